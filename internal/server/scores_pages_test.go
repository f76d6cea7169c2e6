package server_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// answerSet writes the constructed set 10,10,9,9,9,8,7,7,3,6 for the world's
// account (the sales user's), one response a week from 1 February 2026,
// each with the three questions (a "no" for the detractors) and a CSAT.
func (w *world) answerSet() {
	ctx := context.Background()
	err := w.s.InTx(ctx, func(tx *store.Tx) error {
		for _, tpl := range survey.Defaults() {
			if err := tx.InsertSurveyTemplate(ctx, tpl); err != nil {
				return err
			}
		}
		for i, v := range []float64{10, 10, 9, 9, 9, 8, 7, 7, 3, 6} {
			yes := 1.0
			if v <= 6 {
				yes = 0
			}
			csat := float64(1 + i%5)
			answers := []survey.Answer{{Key: survey.KeyNPS, Type: survey.NPS, Number: &v, Text: fmt.Sprint(v)}, {Key: "csat", Type: survey.CSAT, Number: &csat, Text: fmt.Sprint(csat)}}
			for _, k := range []string{survey.KeyAsExpected, survey.KeyDeliveredAsPromised, survey.KeyMetExpectations} {
				answers = append(answers, survey.Answer{Key: k, Type: survey.YesNo, Number: &yes, Text: map[float64]string{1: "yes", 0: "no"}[yes]})
			}
			days := float64(3 + i%2)
			answers = append(answers, survey.Answer{Key: survey.KeyDeliveryDays, Type: survey.Yardstick, Number: &days, Metric: "delivery_days", Unit: "days", Text: fmt.Sprint(days)})
			if err := tx.InsertSurveyResponse(ctx, survey.Response{ID: fmt.Sprintf("resp-%02d", i), AccountID: w.account.ID, OwnerID: w.account.OwnerID,
				Trigger: survey.OrderDelivered, TemplateID: survey.FollowUpID, TemplateVersion: 1, Channel: "web", Outcome: "neutral",
				AnsweredAt: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i), Answers: answers}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

var svgRE = regexp.MustCompile(`(?s)<svg .*?</svg>`)

func TestScoresAPIAndPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		w, _, srv := newWorldOn(t, st)
		w.answerSet()
		manager := caller{name: "manager/session", role: "manager", session: true}
		token := caller{name: "manager/read-token", role: "manager", scope: "read"}

		// The API: the constructed set's NPS and SE.
		code, body, _ := w.do(srv, token, "GET", "/api/v1/survey-scores?from=2026-01-01&to=2026-06-30&group_by=owner", "", true)
		if code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		var out struct {
			NPS struct {
				Score, SE                          float64
				N, Promoters, Passives, Detractors int
			} `json:"nps"`
			CSAT struct {
				Rate float64
				N    int
			} `json:"csat"`
			YesRates map[string]struct {
				Rate float64
				N    int
			} `json:"yes_rates"`
			ByMonth []struct {
				Month string
				NPS   struct{ N int } `json:"nps"`
			} `json:"by_month"`
			Groups     []struct{ Key, Name string } `json:"groups"`
			Yardsticks []struct {
				Metric       string
				N            int
				Median       float64
				WithinTarget struct{ Rate float64 } `json:"within_target"`
			} `json:"yardsticks"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		if out.NPS.N != 10 || math.Abs(out.NPS.Score-30) > 1e-9 || math.Abs(out.NPS.SE-math.Sqrt(0.061)*100) > 1e-9 || out.NPS.Promoters != 5 || out.NPS.Detractors != 2 {
			t.Fatalf("nps %+v", out.NPS)
		}
		if r := out.YesRates[survey.KeyDeliveredAsPromised]; r.N != 10 || r.Rate != 0.8 || out.CSAT.N != 10 || out.CSAT.Rate != 0.4 {
			t.Fatalf("rates %+v csat %+v", out.YesRates, out.CSAT)
		}
		if len(out.ByMonth) != 6 || out.ByMonth[1].Month != "2026-02" || out.ByMonth[1].NPS.N != 4 || out.ByMonth[0].NPS.N != 0 {
			t.Fatalf("months %+v", out.ByMonth)
		}
		if len(out.Groups) != 1 || out.Groups[0].Key != w.account.OwnerID {
			t.Fatalf("groups %+v", out.Groups)
		}
		if len(out.Yardsticks) != 1 || out.Yardsticks[0].N != 10 || out.Yardsticks[0].Median != 3.5 || out.Yardsticks[0].WithinTarget.Rate != 0 {
			t.Fatalf("yardsticks %+v", out.Yardsticks)
		}
		// Bad input: 422 naming the field.
		for path, field := range map[string]string{
			"/api/v1/survey-scores?from=March":                    "from",
			"/api/v1/survey-scores?from=2026-03-01&to=2026-01-01": "to",
			"/api/v1/survey-scores?team=boss":                     "team",
			"/api/v1/survey-scores/answers?min=lots":              "min",
			"/api/v1/survey-scores/answers?min=5&max=1":           "max",
			"/api/v1/survey-scores/answers?cursor=nonsense":       "cursor",
			"/api/v1/survey-scores?from=1990-01-01":               "from",
		} {
			code, body, _ := w.do(srv, token, "GET", path, "", true)
			if code != 422 || !strings.Contains(body, `"`+field) {
				t.Errorf("%s: %d %s", path, code, body)
			}
		}
		// Sales may not see another owner's scores.
		sales := caller{name: "sales/read-token", role: "sales", scope: "read"}
		if code, body, _ := w.do(srv, sales, "GET", "/api/v1/survey-scores?owner_id="+w.users["manager"].User.ID, "", true); code != http.StatusForbidden {
			t.Fatalf("sales on another owner: %d %s", code, body)
		}
		// The answers behind the detractors.
		code, body, _ = w.do(srv, token, "GET", "/api/v1/survey-scores/answers?type=nps&min=0&max=6&from=2026-01-01", "", true)
		if code != 200 || strings.Count(body, `"response_id"`) != 2 {
			t.Fatalf("detractors: %d %s", code, body)
		}

		// The results page: charts that parse, with their numbers beside them.
		code, page, _ := w.do(srv, manager, "GET", "/surveys/results?from=2026-01-01&to=2026-06-30&group_by=trigger", "", false)
		if code != 200 {
			t.Fatalf("%d %s", code, page)
		}
		svgs := svgRE.FindAllString(page, -1)
		if len(svgs) != 5 {
			t.Fatalf("%d charts", len(svgs))
		}
		for _, s := range svgs {
			if err := xml.Unmarshal([]byte(s), new(struct{})); err != nil {
				t.Fatalf("chart is not XML: %v", err)
			}
			if !strings.Contains(s, `role="img"`) || !strings.Contains(s, "<desc") {
				t.Fatal("chart without role or description")
			}
		}
		if strings.Count(svgs[2], `class="bar"`) != 11 {
			t.Fatal("the NPS distribution has not 11 bars")
		}
		for _, want := range []string{`<strong>&#43;30</strong> ± 24.7`, `id="by-month"`, `id="nps-distribution"`, `id="score-groups"`, "Order delivered",
			`/surveys/results/answers?from=2026-01-01&amp;max=6&amp;min=0&amp;to=2026-06-30&amp;type=nps`, `id="yardstick-table"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the results page lacks %s", want)
			}
		}
		// Bad filters: the page says so beside the field and keeps what was typed.
		code, page, _ = w.do(srv, manager, "GET", "/surveys/results?from=soon&trigger=whim", "", false)
		if code != 422 || !strings.Contains(page, `id="from-error"`) || !strings.Contains(page, `id="trigger-error"`) || !strings.Contains(page, `value="soon"`) || !strings.Contains(page, `id="error-summary"`) {
			t.Fatalf("bad filters: %d", code)
		}
		// The answers behind a number.
		code, page, _ = w.do(srv, manager, "GET", "/surveys/results/answers?from=2026-01-01&type=nps&min=0&max=6", "", false)
		if code != 200 || !strings.Contains(page, "Detractors") || strings.Count(page, "<tr>") != 3 {
			t.Fatalf("answers page: %d %s", code, page)
		}
		// The account page's section.
		code, page, _ = w.do(srv, caller{name: "service/session", role: "service", session: true}, "GET", "/accounts/"+w.account.ID, "", false)
		if code != 200 || !strings.Contains(page, `id="account-scores"`) || !strings.Contains(page, `id="last-answers"`) || !strings.Contains(page, "account-nps-trend") {
			t.Fatalf("account page: %d", code)
		}
	})
}
