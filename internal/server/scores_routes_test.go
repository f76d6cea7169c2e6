package server_test

import "maps"

// addScoreRows adds the rows of the survey scores' routes. Every role
// reads them: sales and service get their own accounts' scores unless they
// name an account.
func addScoreRows(api, pages map[string]row) {
	acct := func(path string) call {
		return func(w *world) (string, string) { return path + "account_id=" + w.account.ID, "" }
	}
	maps.Copy(api, map[string]row{
		"GET /api/v1/survey-scores":         {fixed("/api/v1/survey-scores?group_by=trigger&from=2026-01-01", ""), apiRead},
		"GET /api/v1/survey-scores/answers": {acct("/api/v1/survey-scores/answers?type=nps&min=0&max=6&"), apiRead},
	})
	maps.Copy(pages, map[string]row{
		"GET /surveys/results":         {fixed("/surveys/results?group_by=owner", ""), pageRead},
		"GET /surveys/results/answers": {acct("/surveys/results/answers?type=nps&min=9&"), pageRead},
	})
}
