package event

import (
	"encoding/json"
	"testing"
)

func TestTaskSentences(t *testing.T) {
	users := map[string]string{"sam": "Sam", "val": "Val"}
	for _, tc := range []struct {
		kind, actor, after, want string
	}{
		{"task.completed", "sam", `{"title":"Call Contoso about the rebate","owner_id":"sam"}`, "Sam completed the task “Call Contoso about the rebate”"},
		{"task.created", "val", `{"title":"Call Contoso","owner_id":"sam","owner_name":"Sam Seller"}`, "Val added the task “Call Contoso” for Sam Seller"},
		{"task.created", "sam", `{"title":"Call Contoso","owner_id":"sam","owner_name":"Sam"}`, "Sam added the task “Call Contoso”"},
		{"task.created", "", `{"title":"Call Fabrikam","owner_id":"sam","owner_name":"Sam"}`, "Tandem added the task “Call Fabrikam” for Sam"},
		{"task.reopened", "sam", `{"title":"Call Contoso"}`, "Sam reopened the task “Call Contoso”"},
		{"task.cancelled", "val", `{"title":"Call Contoso"}`, "Val cancelled the task “Call Contoso”"},
		{"task.updated", "sam", `{"title":"Call Contoso","owner_id":"val","owner_name":"Val","from_owner_id":"sam"}`, "Sam changed the task “Call Contoso” and gave it to Val"},
		{"task.updated", "sam", `{"title":"Call Contoso","owner_id":"sam"}`, "Sam changed the task “Call Contoso”"},
	} {
		e := &Event{Kind: tc.kind, ActorID: tc.actor, SubjectID: "t1", After: json.RawMessage(tc.after)}
		l := Describe(e, users)
		if l.Text != tc.want || l.Link != "/tasks/t1" {
			t.Errorf("%s: %q %q, want %q", tc.kind, l.Text, l.Link, tc.want)
		}
		if s := Sentence(e, users); s != tc.want {
			t.Errorf("%s: the audit trail says %q", tc.kind, s)
		}
	}
}
