package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/httpauth"
	"tandem/internal/store"
	"tandem/internal/task"
)

// causeLink is how a task shows what it came from: words and where the
// record is.
type causeLink struct {
	Words string
	URL   func(id string) string // nil: the task's account
}

// causeLinks links each type of cause to its record; a follow-up's page
// is where its call's answers are recorded. A type not here links to the
// task's account.
var causeLinks = map[string]causeLink{
	task.CauseCase:     {"a case", func(id string) string { return "/cases/" + id }},
	task.CauseOrder:    {"an order", func(id string) string { return "/orders/" + id }},
	task.CauseDeal:     {"a deal", func(id string) string { return "/deals/" + id }},
	task.CausePromise:  {"a promise", func(id string) string { return "/promises/" + id }},
	task.CauseFollowUp: {"a follow-up: record the answers", func(id string) string { return "/follow-ups/" + id }},
}

// taskFieldsOf is what the task_fields template needs: the form's view,
// its fields' prefix, the owner and day it proposes, and whom it offers.
type taskFieldsOf struct {
	View          view
	Prefix, Owner string
	Today         string
	Users         []access.User
}

func init() {
	funcs["taskFields"] = func(v view, prefix, owner, today string, users []access.User) taskFieldsOf {
		return taskFieldsOf{View: v, Prefix: prefix, Owner: owner, Today: today, Users: users}
	}
}

// taskLists is how many tasks a home or account list shows.
const taskLists = 20

// taskRow is a task as lists show it.
type taskRow struct {
	task.Task
	Account    string // the account's name
	CauseWords string // "a case"
	CauseURL   string
	Overdue    bool
	DueToday   bool
	Due        string // "Thu 3 Dec", in the team's zone
}

func (s *site) taskRows(r *http.Request, actor access.Actor, list []task.Task) ([]taskRow, error) {
	var ids []string
	for _, t := range list {
		if t.AccountID != "" {
			ids = append(ids, t.AccountID)
		}
	}
	names, err := s.app.AccountNames(r.Context(), actor, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	now, zone := s.app.Now(), s.app.Zone()
	today := now.In(zone).Format(dayLayout)
	out := make([]taskRow, len(list))
	for i, t := range list {
		row := taskRow{Task: t, Account: names[t.AccountID], Overdue: t.Overdue(now), DueToday: t.DueAt.In(zone).Format(dayLayout) == today,
			Due: t.DueAt.In(zone).Format("Mon 2 Jan 2006")}
		if !t.Cause.IsZero() {
			l, ok := causeLinks[t.Cause.Type]
			row.CauseWords = l.Words
			if !ok {
				row.CauseWords = "a " + strings.ReplaceAll(t.Cause.Type, "_", " ")
			}
			switch {
			case l.URL != nil:
				row.CauseURL = l.URL(t.Cause.ID)
			case t.AccountID != "":
				row.CauseURL = "/accounts/" + t.AccountID
			}
		}
		out[i] = row
	}
	return out, nil
}

// taskSection is a list of tasks with its Done buttons, and where they
// come back to.
type taskSection struct {
	List []taskRow
	Back string
	More bool   // more than the list shows
	Said string // what the last button did
}

// myTasks is the home's section: the user's open tasks, overdue first.
func (s *site) myTasks(r *http.Request, actor access.Actor) (taskSection, error) {
	list, err := s.app.MyOpenTasks(r.Context(), actor, taskLists+1)
	if err != nil {
		return taskSection{}, err
	}
	more := len(list) > taskLists
	if more {
		list = list[:taskLists]
	}
	rows, err := s.taskRows(r, actor, list)
	return taskSection{List: rows, Back: "/#home-tasks", More: more, Said: taskNotices[r.URL.Query().Get("notice")]}, err
}

// accountTasks is the account page's section: its open tasks and the
// form to add one.
type accountTasks struct {
	taskSection
	AccountID string
	Owner     string // the default owner of a new task: the account's owner, or the user
	Users     []access.User
	Today     string
}

func (s *site) accountTasksOf(r *http.Request, actor access.Actor, accountID, ownerID string) (accountTasks, error) {
	list, _, err := s.app.Tasks(r.Context(), actor, store.TaskFilter{AccountID: accountID, Status: task.Open}, store.Page{Limit: taskLists})
	if err != nil {
		return accountTasks{}, err
	}
	rows, err := s.taskRows(r, actor, list)
	if ownerID == "" {
		ownerID = actor.User.ID
	}
	return accountTasks{taskSection: taskSection{List: rows, Back: "/accounts/" + accountID + "#tasks-section", Said: taskNotices[r.URL.Query().Get("notice")]}, AccountID: accountID,
		Owner: ownerID, Users: s.activeUsers(r, actor), Today: s.day(s.app.Now())}, err
}

func (s *site) activeUsers(r *http.Request, actor access.Actor) []access.User {
	users, err := s.app.Users(r.Context(), actor)
	if err != nil {
		return nil
	}
	var out []access.User
	for _, u := range users {
		if u.Active {
			out = append(out, u)
		}
	}
	return out
}

// readDueDay reads a day typed in the team's zone as the end of that day
// there: a task due on a day is overdue once the day is over.
func (s *site) readDueDay(v, field string, errs map[string]string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		errs[field] = "say by when it is to be done"
		return time.Time{}
	}
	d, err := time.ParseInLocation(dayLayout, v, s.app.Zone())
	if err != nil {
		errs[field] = "enter a day such as 2026-12-14"
		return time.Time{}
	}
	return d.AddDate(0, 0, 1).Add(-time.Minute)
}

// taskFormErrors files an app's task errors under a form's fields.
func taskFormErrors(err error, prefix string) (map[string]string, bool) {
	return renameErrors(err, map[string]string{"title": prefix + "title", "notes": prefix + "notes", "due_at": prefix + "due",
		"owner_id": prefix + "owner_id", "account_id": "form", "cause.id": "form", "cause.type": "form", "kind": "form"})
}

// readNewTask reads the add-a-task form's fields (task_title, task_due,
// task_owner_id, task_notes).
func (s *site) readNewTask(f url.Values, errs map[string]string) task.Task {
	return task.Task{Title: f.Get("task_title"), Notes: f.Get("task_notes"), OwnerID: f.Get("task_owner_id"),
		DueAt: s.readDueDay(f.Get("task_due"), "task_due", errs)}
}

// addAccountTask adds a task from the account page's form.
func (s *site) addAccountTask(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	in := s.readNewTask(f, errs)
	in.AccountID = r.PathValue("id")
	if len(errs) > 0 {
		again(errs)
		return
	}
	if _, err := s.app.CreateTask(r.Context(), actor, in); err != nil {
		errs, ok := taskFormErrors(err, "task_")
		if !ok {
			s.fail(w, r, err)
			return
		}
		again(errs)
		return
	}
	http.Redirect(w, r, "/accounts/"+in.AccountID+"?notice=task_added#tasks-section", http.StatusSeeOther)
}

// tasksPage is the /tasks page: someone's tasks of one status.
type tasksPage struct {
	taskSection
	Owner    string
	Status   string
	Statuses []task.Status
	Users    []access.User
	CanPick  bool // may look at someone else's list
	Today    string
	Next     string
}

func (s *site) tasks(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderTasks(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderTasks(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	q := r.URL.Query()
	owner, st := q.Get("owner"), task.Status(q.Get("status"))
	canPick := actor.Can(access.ReadTeamTasks, false)
	if owner == "" || !canPick {
		owner = actor.User.ID
	}
	if !slices.Contains(task.Statuses, st) {
		st = task.Open
	}
	list, next, err := s.app.Tasks(r.Context(), actor, store.TaskFilter{OwnerID: owner, Status: st}, store.Page{Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.taskRows(r, actor, list)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/tasks?" + url.Values{"owner": {owner}, "status": {string(st)}}.Encode()
	page := tasksPage{taskSection: taskSection{List: rows, Back: back, Said: taskNotices[v.Notice]}, Owner: owner, Status: string(st), Statuses: task.Statuses,
		Users: s.activeUsers(r, actor), CanPick: canPick, Today: s.day(s.app.Now())}
	if next != "" {
		page.Next = back + "&" + url.Values{"cursor": {next}}.Encode()
	}
	if v.Form == nil {
		v.Form = url.Values{"task_owner_id": {actor.User.ID}, "task_due": {page.Today}}
	}
	v.Title, v.Nav, v.Users, v.Data = "Tasks", "tasks", s.userNames(r, actor), page
	s.render(w, r, status, "tasks", v)
}

// addTask adds a task from the /tasks page's form: one of the user's own,
// or for someone else.
func (s *site) addTask(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderTasks(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	in := s.readNewTask(f, errs)
	if len(errs) > 0 {
		again(errs)
		return
	}
	t, err := s.app.CreateTask(r.Context(), actor, in)
	if err != nil {
		errs, ok := taskFormErrors(err, "task_")
		if !ok {
			s.fail(w, r, err)
			return
		}
		again(errs)
		return
	}
	http.Redirect(w, r, "/tasks/"+t.ID+"?notice=task_added", http.StatusSeeOther)
}

// taskPage is one task with its form and buttons.
type taskPage struct {
	taskRow
	CanChange bool
	Users     []access.User
	Said      string
}

// taskNotices say what a task's form or button did (?notice=).
var taskNotices = map[string]string{
	"task_added": "Task added.", "task_saved": "Task saved.", "task_done": "Task done.", "task_open": "Task open again.",
	"task_cancelled": "Task cancelled.",
}

func (s *site) showTask(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderTask(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderTask(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	t, err := s.app.Task(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.taskRows(r, actor, []task.Task{t})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Form == nil || v.Errors["form"] != "" && len(v.Errors) == 1 {
		v.Form = url.Values{"title": {t.Title}, "notes": {t.Notes}, "owner_id": {t.OwnerID}, "due": {s.day(t.DueAt)}}
	}
	v.Title, v.Nav, v.Users = t.Title, "tasks", s.userNames(r, actor)
	v.Data = taskPage{taskRow: rows[0], CanChange: actor.Can(access.EditTasks, t.OwnerID == actor.User.ID || t.CreatedBy == actor.User.ID),
		Users: s.activeUsers(r, actor), Said: taskNotices[v.Notice]}
	s.render(w, r, status, "task", v)
}

// saveTask changes a task's title, due day, owner or notes.
func (s *site) saveTask(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if err := s.app.MayChangeTask(r.Context(), actor, r.PathValue("id")); err != nil {
		s.fail(w, r, err) // refused before what was typed is read
		return
	}
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderTask(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	title, notes := f.Get("title"), f.Get("notes")
	patch := app.TaskPatch{Title: &title, Notes: &notes}
	if owner := f.Get("owner_id"); owner != "" {
		patch.OwnerID = &owner
	}
	if due := s.readDueDay(f.Get("due"), "due", errs); !due.IsZero() {
		t, err := s.app.Task(r.Context(), actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if s.day(t.DueAt) != f.Get("due") { // the same day keeps its time
			patch.DueAt = &due
		}
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	t, err := s.app.UpdateTask(r.Context(), actor, r.PathValue("id"), patch, max(version, 1))
	if err != nil {
		errs, ok := taskFormErrors(err, "")
		if !ok {
			s.fail(w, r, err)
			return
		}
		if fault.KindOf(err) == fault.Stale {
			errs["form"] = "Nothing was saved: someone changed this task since you opened it. Here it is as it is now."
			s.renderTask(w, r, actor, view{Errors: errs}, http.StatusConflict)
			return
		}
		again(errs)
		return
	}
	http.Redirect(w, r, "/tasks/"+t.ID+"?notice=task_saved", http.StatusSeeOther)
}

// moveTask marks a task done, open again or cancelled, and goes back to
// where the button was (back, a path of this site), or to the task.
func (s *site) moveTask(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if err := s.app.MayChangeTask(r.Context(), actor, r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		errs["form"] = "Nothing was saved: the form could not be read, so the task did not change."
		s.renderTask(w, r, actor, view{Errors: errs}, http.StatusUnprocessableEntity)
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	version = max(version, 1)
	var err error
	to := f.Get("to")
	switch to {
	case "done":
		_, err = s.app.CompleteTask(ctx, actor, id, version)
	case "open":
		_, err = s.app.ReopenTask(ctx, actor, id, version)
	case "cancelled":
		_, err = s.app.CancelTask(ctx, actor, id, version)
	default:
		s.renderTask(w, r, actor, view{Errors: map[string]string{"form": "Nothing was saved: choose done, open or cancelled."}}, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		msg := ""
		switch e, _ := fault.As(err); {
		case fault.KindOf(err) == fault.Stale:
			msg = "Nothing was saved: someone changed this task since the page was shown. Here it is as it is now."
		case e != nil && e.Kind == fault.Conflict:
			msg = "Nothing was saved: " + e.Message + "."
		default:
			s.fail(w, r, err)
			return
		}
		s.renderTask(w, r, actor, view{Errors: map[string]string{"form": msg}}, http.StatusConflict)
		return
	}
	back, frag, _ := strings.Cut(httpauth.LocalTarget(f.Get("back"), "/tasks/"+id), "#")
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	if frag != "" {
		frag = "#" + frag
	}
	http.Redirect(w, r, back+sep+"notice=task_"+to+frag, http.StatusSeeOther)
}
