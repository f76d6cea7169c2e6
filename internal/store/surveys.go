package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"tandem/internal/survey"
)

const templateCols = `id, name, description, template_version, questions, created_at, updated_at, version`

func scanTemplate(sc interface{ Scan(...any) error }) (survey.Template, error) {
	var t survey.Template
	var qs string
	var created, updated int64
	err := sc.Scan(&t.ID, &t.Name, &t.Description, &t.TemplateVersion, &qs, &created, &updated, &t.Version)
	if err == nil {
		err = json.Unmarshal([]byte(qs), &t.Questions)
	}
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return t, err
}

func questionsJSON(t survey.Template) string {
	b, _ := json.Marshal(t.Questions)
	return string(b)
}

// InsertSurveyTemplate adds a template and its first version; a template
// whose id exists is left as it is (the defaults are added this way).
func (tx *Tx) InsertSurveyTemplate(ctx context.Context, t survey.Template) error {
	res, err := tx.exec(ctx, `INSERT INTO survey_templates (`+templateCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (id) DO NOTHING`,
		t.ID, t.Name, t.Description, t.TemplateVersion, questionsJSON(t), ms(t.CreatedAt), ms(t.UpdatedAt))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.SaveSurveyTemplateVersion(ctx, t)
}

// SaveSurveyTemplateVersion writes the questions of a template's version.
func (tx *Tx) SaveSurveyTemplateVersion(ctx context.Context, t survey.Template) error {
	_, err := tx.exec(ctx, `INSERT INTO survey_template_versions (template_id, template_version, name, questions, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (template_id, template_version) DO UPDATE SET name = excluded.name, questions = excluded.questions`,
		t.ID, t.TemplateVersion, t.Name, questionsJSON(t), ms(t.UpdatedAt))
	return err
}

// UpdateSurveyTemplate writes a template if its version is still expected.
func (tx *Tx) UpdateSurveyTemplate(ctx context.Context, t survey.Template, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE survey_templates SET name = $2, description = $3, template_version = $4, questions = $5, updated_at = $6,
		version = version + 1 WHERE id = $1 AND version = $7`, t.ID, t.Name, t.Description, t.TemplateVersion, questionsJSON(t), ms(t.UpdatedAt), expected)
	if err != nil {
		return err
	}
	if err := staleUnlessOne(res, "survey"); err != nil {
		return err
	}
	return tx.SaveSurveyTemplateVersion(ctx, t)
}

// SurveyTemplate returns a template as it is now.
func (q q) SurveyTemplate(ctx context.Context, id string) (survey.Template, error) {
	t, err := scanTemplate(q.row(ctx, `SELECT `+templateCols+` FROM survey_templates WHERE id = $1`, id))
	return t, notFound(err, "survey")
}

// SurveyTemplateVersion returns a template with the questions of one of
// its versions.
func (q q) SurveyTemplateVersion(ctx context.Context, id string, version int64) (survey.Template, error) {
	t, err := q.SurveyTemplate(ctx, id)
	if err != nil || t.TemplateVersion == version {
		return t, err
	}
	var name, qs string
	err = q.row(ctx, `SELECT name, questions FROM survey_template_versions WHERE template_id = $1 AND template_version = $2`, id, version).Scan(&name, &qs)
	if err != nil {
		return survey.Template{}, notFound(err, "survey version")
	}
	t.Name, t.TemplateVersion, t.Questions = name, version, nil
	return t, json.Unmarshal([]byte(qs), &t.Questions)
}

// SurveyTemplates lists the templates by name.
func (q q) SurveyTemplates(ctx context.Context) ([]survey.Template, error) {
	rows, err := q.query(ctx, `SELECT `+templateCols+` FROM survey_templates ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTemplate)
}

// SurveyVersionUsed reports whether a template's version was sent or
// answered: then it must not change.
func (q q) SurveyVersionUsed(ctx context.Context, id string, version int64) (bool, error) {
	var n int
	err := q.row(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM survey_responses WHERE template_id = $1 AND template_version = $2 LIMIT 1) r)
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM survey_invitations WHERE template_id = $1 AND template_version = $2 LIMIT 1) i)`, id, version).Scan(&n)
	return n > 0, err
}

// SurveyKey is one key that signs survey links.
type SurveyKey struct {
	ID        string
	Secret    string
	CreatedAt time.Time
}

// SurveyKeys lists the keys, the newest first.
func (q q) SurveyKeys(ctx context.Context) ([]SurveyKey, error) {
	rows, err := q.query(ctx, `SELECT id, secret, created_at FROM survey_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (SurveyKey, error) {
		var k SurveyKey
		var at int64
		err := sc.Scan(&k.ID, &k.Secret, &at)
		k.CreatedAt = fromMS(at)
		return k, err
	})
}

// InsertSurveyKey adds a key.
func (tx *Tx) InsertSurveyKey(ctx context.Context, k SurveyKey) error {
	_, err := tx.exec(ctx, `INSERT INTO survey_keys (id, secret, created_at) VALUES ($1, $2, $3)`, k.ID, k.Secret, ms(k.CreatedAt))
	return err
}

const invitationCols = `id, template_id, template_version, account_id, contact_id, trigger, cause_type, cause_id, follow_up_id, key_id, channel,
	suppressed_reason, created_by_id, expires_at, answered_at, response_id, created_at, version`

func scanInvitation(sc interface{ Scan(...any) error }) (survey.Invitation, error) {
	var i survey.Invitation
	var contact, followUp, createdBy, response sql.NullString
	var expires, created int64
	var answered sql.NullInt64
	err := sc.Scan(&i.ID, &i.TemplateID, &i.TemplateVersion, &i.AccountID, &contact, &i.Trigger, &i.CauseType, &i.CauseID, &followUp, &i.KeyID,
		&i.Channel, &i.SuppressedReason, &createdBy, &expires, &answered, &response, &created, &i.Version)
	i.ContactID, i.FollowUpID, i.CreatedByID, i.ResponseID = contact.String, followUp.String, createdBy.String, response.String
	i.ExpiresAt, i.AnsweredAt, i.CreatedAt = fromMS(expires), fromNullMS(answered), fromMS(created)
	return i, err
}

// InsertSurveyInvitation adds an invitation.
func (tx *Tx) InsertSurveyInvitation(ctx context.Context, i survey.Invitation) error {
	_, err := tx.exec(ctx, `INSERT INTO survey_invitations (`+invitationCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
		$15, $16, $17, 1)`, i.ID, i.TemplateID, i.TemplateVersion, i.AccountID, nullStr(i.ContactID), i.Trigger, i.CauseType, i.CauseID, nullStr(i.FollowUpID),
		i.KeyID, i.Channel, i.SuppressedReason, nullStr(i.CreatedByID), ms(i.ExpiresAt), nullMS(i.AnsweredAt), nullStr(i.ResponseID), ms(i.CreatedAt))
	return err
}

// SurveyInvitation returns one invitation.
func (q q) SurveyInvitation(ctx context.Context, id string) (survey.Invitation, error) {
	i, err := scanInvitation(q.row(ctx, `SELECT `+invitationCols+` FROM survey_invitations WHERE id = $1`, id))
	return i, notFound(err, "survey invitation")
}

// AnswerSurveyInvitation marks an invitation answered by a response; ok
// is false when it was answered already (a link is used once).
func (tx *Tx) AnswerSurveyInvitation(ctx context.Context, id, responseID string, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE survey_invitations SET answered_at = $2, response_id = $3, version = version + 1 WHERE id = $1 AND answered_at IS NULL`,
		id, ms(at), responseID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LastSurveySent is when a contact was last sent an invitation (by email
// or as a link), zero when never.
func (q q) LastSurveySent(ctx context.Context, contactID string) (time.Time, error) {
	var at sql.NullInt64
	err := q.row(ctx, `SELECT MAX(created_at) FROM survey_invitations WHERE contact_id = $1 AND channel <> 'suppressed'`, contactID).Scan(&at)
	return fromNullMS(at), err
}

// SurveyInvitations lists an account's invitations, the newest first.
func (q q) SurveyInvitations(ctx context.Context, accountID string, limit int) ([]survey.Invitation, error) {
	rows, err := q.query(ctx, `SELECT `+invitationCols+` FROM survey_invitations WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		accountID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInvitation)
}

const followUpCols = `id, account_id, contact_id, owner_id, trigger, cause_type, cause_id, template_id, task_id, invitation_id, suppressed_reason,
	response_id, created_at, version`

func scanFollowUp(sc interface{ Scan(...any) error }) (survey.FollowUp, error) {
	var f survey.FollowUp
	var contact, owner, task, inv, resp sql.NullString
	var created int64
	err := sc.Scan(&f.ID, &f.AccountID, &contact, &owner, &f.Trigger, &f.CauseType, &f.CauseID, &f.TemplateID, &task, &inv, &f.SuppressedReason,
		&resp, &created, &f.Version)
	f.ContactID, f.OwnerID, f.TaskID, f.InvitationID, f.ResponseID = contact.String, owner.String, task.String, inv.String, resp.String
	f.CreatedAt = fromMS(created)
	return f, err
}

// InsertFollowUp adds a follow-up; inserted is false when the trigger
// already followed up its cause (a job run twice makes one).
func (tx *Tx) InsertFollowUp(ctx context.Context, f survey.FollowUp) (inserted bool, err error) {
	res, err := tx.exec(ctx, `INSERT INTO survey_follow_ups (`+followUpCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)
		ON CONFLICT (trigger, cause_id) DO NOTHING`, f.ID, f.AccountID, nullStr(f.ContactID), nullStr(f.OwnerID), f.Trigger, f.CauseType, f.CauseID,
		f.TemplateID, nullStr(f.TaskID), nullStr(f.InvitationID), f.SuppressedReason, nullStr(f.ResponseID), ms(f.CreatedAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UpdateFollowUp writes a follow-up's links and reason, when it is still
// at the version read (f.Version): else a stale-version error, so that
// two transactions that read the same follow-up cannot both answer it.
func (tx *Tx) UpdateFollowUp(ctx context.Context, f survey.FollowUp) error {
	res, err := tx.exec(ctx, `UPDATE survey_follow_ups SET task_id = $2, invitation_id = $3, suppressed_reason = $4, response_id = $5,
		version = version + 1 WHERE id = $1 AND version = $6`, f.ID, nullStr(f.TaskID), nullStr(f.InvitationID), f.SuppressedReason, nullStr(f.ResponseID),
		f.Version)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "follow-up")
}

// FollowUp returns one follow-up.
func (q q) FollowUp(ctx context.Context, id string) (survey.FollowUp, error) {
	f, err := scanFollowUp(q.row(ctx, `SELECT `+followUpCols+` FROM survey_follow_ups WHERE id = $1`, id))
	return f, notFound(err, "follow-up")
}

// FollowUps lists an account's follow-ups, the newest first.
func (q q) FollowUps(ctx context.Context, accountID string, limit int) ([]survey.FollowUp, error) {
	rows, err := q.query(ctx, `SELECT `+followUpCols+` FROM survey_follow_ups WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		accountID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanFollowUp)
}

// SurveyResponsesByID returns the responses with these ids, with their
// answers, by id.
func (q q) SurveyResponsesByID(ctx context.Context, ids []string) (map[string]survey.Response, error) {
	out := map[string]survey.Response{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	w.add("id IN (" + placeholders(&w, ids) + ")")
	rows, err := q.query(ctx, `SELECT `+responseCols+` FROM survey_responses`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, scanResponse)
	if err != nil {
		return nil, err
	}
	answers, err := q.surveyAnswers(ctx, ids)
	for _, r := range list {
		r.Answers = answers[r.ID]
		out[r.ID] = r
	}
	return out, err
}

const responseCols = `id, invitation_id, follow_up_id, account_id, contact_id, owner_id, trigger, cause_type, cause_id, template_id, template_version,
	channel, recorded_by_id, outcome, case_id, deal_id, answered_at`

func scanResponse(sc interface{ Scan(...any) error }) (survey.Response, error) {
	var r survey.Response
	var inv, fu, contact, owner, rec, cs, dl sql.NullString
	var at int64
	err := sc.Scan(&r.ID, &inv, &fu, &r.AccountID, &contact, &owner, &r.Trigger, &r.CauseType, &r.CauseID, &r.TemplateID, &r.TemplateVersion,
		&r.Channel, &rec, &r.Outcome, &cs, &dl, &at)
	r.InvitationID, r.FollowUpID, r.ContactID, r.OwnerID, r.RecordedByID, r.CaseID, r.DealID = inv.String, fu.String, contact.String, owner.String,
		rec.String, cs.String, dl.String
	r.AnsweredAt = fromMS(at)
	return r, err
}

// InsertSurveyResponse adds a response and its answers.
func (tx *Tx) InsertSurveyResponse(ctx context.Context, r survey.Response) error {
	_, err := tx.exec(ctx, `INSERT INTO survey_responses (`+responseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
		$16, $17)`, r.ID, nullStr(r.InvitationID), nullStr(r.FollowUpID), r.AccountID, nullStr(r.ContactID), nullStr(r.OwnerID), r.Trigger, r.CauseType,
		r.CauseID, r.TemplateID, r.TemplateVersion, r.Channel, nullStr(r.RecordedByID), r.Outcome, nullStr(r.CaseID), nullStr(r.DealID), ms(r.AnsweredAt))
	if err != nil {
		return err
	}
	for _, a := range r.Answers {
		var n sql.NullFloat64
		if a.Number != nil {
			n = sql.NullFloat64{Float64: *a.Number, Valid: true}
		}
		if _, err := tx.exec(ctx, `INSERT INTO survey_answers (response_id, key, type, number, text, metric, unit) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.ID, a.Key, a.Type, n, a.Text, a.Metric, a.Unit); err != nil {
			return err
		}
	}
	return nil
}

// SetSurveyResponseOutcome links a response to the case or deal the loop
// opened.
func (tx *Tx) SetSurveyResponseOutcome(ctx context.Context, id, caseID, dealID string) error {
	_, err := tx.exec(ctx, `UPDATE survey_responses SET case_id = $2, deal_id = $3 WHERE id = $1`, id, nullStr(caseID), nullStr(dealID))
	return err
}

func (q q) surveyAnswers(ctx context.Context, ids []string) (map[string][]survey.Answer, error) {
	out := map[string][]survey.Answer{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	w.add("response_id IN (" + placeholders(&w, ids) + ")")
	rows, err := q.query(ctx, `SELECT response_id, key, type, number, text, metric, unit FROM survey_answers`+w.String(), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var a survey.Answer
		var n sql.NullFloat64
		if err := rows.Scan(&id, &a.Key, &a.Type, &n, &a.Text, &a.Metric, &a.Unit); err != nil {
			return nil, err
		}
		if n.Valid {
			v := n.Float64
			a.Number = &v
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

// SurveyResponse returns one response with its answers, in the order of
// its template's questions.
func (q q) SurveyResponse(ctx context.Context, id string) (survey.Response, error) {
	r, err := scanResponse(q.row(ctx, `SELECT `+responseCols+` FROM survey_responses WHERE id = $1`, id))
	if err != nil {
		return r, notFound(err, "survey response")
	}
	answers, err := q.surveyAnswers(ctx, []string{id})
	r.Answers = answers[id]
	return r, err
}

// ResponseFilter narrows the responses list.
type ResponseFilter struct {
	AccountID string
	Trigger   string
	OwnerID   string
	From, To  time.Time
}

// SurveyResponses lists responses, the newest first, with their answers.
func (q q) SurveyResponses(ctx context.Context, f ResponseFilter, p Page) ([]survey.Response, string, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.Trigger != "" {
		w.add("trigger = ?", f.Trigger)
	}
	if f.OwnerID != "" {
		w.add("owner_id = ?", f.OwnerID)
	}
	if !f.From.IsZero() {
		w.add("answered_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("answered_at < ?", ms(f.To))
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(answered_at < ? OR (answered_at = ? AND id < ?))", c.N, c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+responseCols+` FROM survey_responses`+w.String()+` ORDER BY answered_at DESC, id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanResponse)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: ms(out[n-1].AnsweredAt), ID: out[n-1].ID}.String()
	}
	ids := make([]string, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	answers, err := q.surveyAnswers(ctx, ids)
	for i := range out {
		out[i].Answers = answers[out[i].ID]
	}
	return out, next, err
}
