// Package survey holds follow-up surveys: templates and their question
// types, invitations, responses and their answers, the rules that read a
// response (a problem to fix, a happy customer to sell to), the triggers
// that send a survey after something happened, and the fatigue limit.
// Pure domain code: no SQL, no HTTP, no clock.
package survey

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/fault"
	"tandem/internal/text"
)

// Question types.
const (
	NPS       = "nps"       // 0–10: how likely to recommend us
	CSAT      = "csat"      // 1–5: how satisfied
	CES       = "ces"       // 1–7: how easy it was
	YesNo     = "yes_no"    // yes or no
	Yardstick = "yardstick" // a number the customer expects for a metric, in its unit
	Text      = "text"      // free text
)

// Types lists every question type.
var Types = []string{NPS, CSAT, CES, YesNo, Yardstick, Text}

// Scale returns the lowest and highest value of a scale type; ok is
// false for the types that are not scales.
func Scale(typ string) (lo, hi int, ok bool) {
	switch typ {
	case NPS:
		return 0, 10, true
	case CSAT:
		return 1, 5, true
	case CES:
		return 1, 7, true
	}
	return 0, 0, false
}

// MaxTextAnswer is the longest free-text answer, in characters.
const MaxTextAnswer = 2000

// MaxYardstick bounds a yardstick answer: no customer expects a delivery
// in a million days.
const MaxYardstick = 100000

// Question is one question of a template. Its key names it in answers,
// forms (the field name) and the API, and stays the same across versions.
type Question struct {
	Key      string `json:"key" example:"delivered_as_promised" doc:"Stable name of the question: the form field and the answer's key"`
	Type     string `json:"type" enum:"nps,csat,ces,yes_no,yardstick,text" example:"yes_no"`
	Label    string `json:"label" example:"Have we delivered as promised?"`
	Help     string `json:"help,omitempty" example:"Think of the last delivery."`
	Required bool   `json:"required" doc:"The survey cannot be sent without an answer to this question"`
	// Metric and Unit name what a yardstick measures.
	Metric string `json:"metric,omitempty" example:"delivery_days" doc:"Yardstick questions: the metric the number is for"`
	Unit   string `json:"unit,omitempty" example:"days" doc:"Yardstick questions: the unit of the number"`
}

// Template is a survey: its questions in order.
type Template struct {
	ID          string     `json:"id"`
	Name        string     `json:"name" example:"Follow-up"`
	Description string     `json:"description" example:"The three questions, NPS and a comment"`
	Questions   []Question `json:"questions"`
	// TemplateVersion is the version of the questions; it moves on when a
	// template that has answers is edited, so old answers keep theirs.
	TemplateVersion int64     `json:"template_version" example:"1"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version         int64     `json:"version"`
}

// The stable keys of the default templates.
const (
	KeyAsExpected          = "as_expected"
	KeyDeliveredAsPromised = "delivered_as_promised"
	KeyMetExpectations     = "met_expectations"
	KeyNPS                 = "nps"
	KeyComment             = "comment"
	KeyDeliveryDays        = "delivery_days"
	KeyFirstResponseHours  = "first_response_hours"
)

// The ids of the default templates: fixed, so that triggers and the demo
// book name them.
const (
	FollowUpID  = "00000000-0000-7000-8000-5e0000000001"
	YardstickID = "00000000-0000-7000-8000-5e0000000002"
)

// Defaults are the templates every book starts with.
func Defaults() []Template {
	return []Template{
		{ID: FollowUpID, Name: "Follow-up", Description: "The three questions, how likely they are to recommend us, and anything else",
			Questions: []Question{
				{Key: KeyAsExpected, Type: YesNo, Label: "Did everything go as expected?", Required: true},
				{Key: KeyDeliveredAsPromised, Type: YesNo, Label: "Have we delivered as promised?", Required: true},
				{Key: KeyMetExpectations, Type: YesNo, Label: "Have we met your expectations?", Required: true},
				{Key: KeyNPS, Type: NPS, Label: "How likely are you to recommend us to a friend or colleague?", Help: "0 is not at all likely, 10 extremely likely.", Required: true},
				{Key: KeyComment, Type: Text, Label: "Anything you would like to tell us?"},
			}},
		{ID: YardstickID, Name: "Your yardstick", Description: "What the customer expects of us, in their own numbers",
			Questions: []Question{
				{Key: KeyDeliveryDays, Type: Yardstick, Label: "How many days should a delivery take?", Metric: "delivery_days", Unit: "days", Required: true},
				{Key: KeyFirstResponseHours, Type: Yardstick, Label: "Within how many hours should we first answer when you ask for help?", Metric: "first_response_hours", Unit: "hours", Required: true},
				{Key: KeyComment, Type: Text, Label: "Anything you would like to tell us?"},
			}},
	}
}

// Normalize trims a template's text.
func (t *Template) Normalize() {
	t.Name = strings.Join(strings.Fields(t.Name), " ")
	t.Description = strings.TrimSpace(t.Description)
	for i := range t.Questions {
		q := &t.Questions[i]
		q.Key = strings.ToLower(strings.TrimSpace(q.Key))
		q.Type = strings.ToLower(strings.TrimSpace(q.Type))
		q.Label = strings.Join(strings.Fields(q.Label), " ")
		q.Help = strings.Join(strings.Fields(q.Help), " ")
		q.Metric = strings.ToLower(strings.TrimSpace(q.Metric))
		q.Unit = strings.Join(strings.Fields(q.Unit), " ")
		if q.Type == Yardstick && q.Metric == "" {
			q.Metric = q.Key
		}
		if q.Type != Yardstick {
			q.Metric, q.Unit = "", ""
		}
	}
}

func keyOK(k string) bool {
	return k != "" && len(k) <= 40 && strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == "" && (k[0] < '0' || k[0] > '9')
}

// Validate reports what is wrong with a template: a name, 1–30 questions
// with unique keys, a known type and a label each, a metric and unit for
// yardsticks.
func (t Template) Validate() error {
	var f fault.Fields
	if t.Name == "" {
		f.Add("name", "give the survey a name, such as “Follow-up”")
	} else if p := text.Problem(t.Name, 100, false); p != "" {
		f.Add("name", "the name "+p)
	}
	if p := text.Problem(t.Description, 1000, true); p != "" {
		f.Add("description", "the description "+p)
	}
	if len(t.Questions) == 0 {
		f.Add("questions", "ask at least one question")
	}
	if len(t.Questions) > 30 {
		f.Add("questions", "keep to 30 questions: customers answer short surveys")
	}
	seen := map[string]bool{}
	for i, q := range t.Questions {
		field := fmt.Sprintf("questions[%d]", i)
		switch {
		case !keyOK(q.Key):
			f.Add(field+".key", "use lower-case letters, digits and _, up to 40, starting with a letter, such as “as_expected”")
		case seen[q.Key]:
			f.Add(field+".key", "each question needs its own key")
		}
		seen[q.Key] = true
		if !slices.Contains(Types, q.Type) {
			f.Add(field+".type", "use one of: "+strings.Join(Types, ", "))
		}
		if q.Label == "" {
			f.Add(field+".label", "write the question the customer reads")
		} else if p := text.Problem(q.Label, 300, false); p != "" {
			f.Add(field+".label", "the question "+p)
		}
		if p := text.Problem(q.Help, 300, false); p != "" {
			f.Add(field+".help", "the help "+p)
		}
		if q.Type == Yardstick {
			if !keyOK(q.Metric) {
				f.Add(field+".metric", "name the metric in lower-case letters, digits and _, such as “delivery_days”")
			}
			if q.Unit == "" {
				f.Add(field+".unit", "give the unit, such as “days” or “hours”")
			} else if p := text.Problem(q.Unit, 40, false); p != "" {
				f.Add(field+".unit", "the unit "+p)
			}
		}
	}
	return f.Err()
}

// Question returns the question with a key.
func (t Template) Question(key string) (Question, bool) {
	for _, q := range t.Questions {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// Answer is the answer to one question. Number holds a scale's value,
// 1 (yes) or 0 (no), or a yardstick's value in its unit; Text what was
// given (the text answer, "yes"/"no", the number as typed).
type Answer struct {
	Key    string   `json:"key" example:"nps"`
	Type   string   `json:"type" enum:"nps,csat,ces,yes_no,yardstick,text" example:"nps"`
	Number *float64 `json:"number,omitempty" example:"9"`
	Text   string   `json:"text" example:"9"`
	Metric string   `json:"metric,omitempty" example:""`
	Unit   string   `json:"unit,omitempty" example:""`
}

// Yes reports whether a yes/no answer is yes.
func (a Answer) Yes() bool { return a.Type == YesNo && a.Number != nil && *a.Number == 1 }

// Value is the answer's number as an integer (scales), or -1.
func (a Answer) Value() int {
	if a.Number == nil {
		return -1
	}
	return int(*a.Number)
}

// Read turns what a customer sent (question key → value as typed) into
// answers in the template's order. Every problem is reported under the
// question's key: a value out of range, a required answer missing, a key
// the template does not ask.
func (t Template) Read(given map[string]string) ([]Answer, error) {
	var f fault.Fields
	for k := range given {
		if _, ok := t.Question(k); !ok {
			name := k
			if !text.Clean(name) || len(name) > 40 {
				name = "answers"
			}
			f.Add(name, "this survey asks no such question")
		}
	}
	var out []Answer
	for _, q := range t.Questions {
		v := strings.TrimSpace(given[q.Key])
		if v == "" {
			if q.Required {
				f.Add(q.Key, "please answer this question")
			}
			continue
		}
		a := Answer{Key: q.Key, Type: q.Type, Text: v, Metric: q.Metric, Unit: q.Unit}
		switch q.Type {
		case YesNo:
			switch strings.ToLower(v) {
			case "yes":
				a.Number, a.Text = num(1), "yes"
			case "no":
				a.Number, a.Text = num(0), "no"
			default:
				f.Add(q.Key, "answer yes or no")
				continue
			}
		case NPS, CSAT, CES:
			lo, hi, _ := Scale(q.Type)
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				f.Add(q.Key, fmt.Sprintf("choose a number from %d to %d", lo, hi))
				continue
			}
			a.Number, a.Text = num(float64(n)), strconv.Itoa(n)
		case Yardstick:
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
			if err != nil || math.IsNaN(n) || n < 0 || n > MaxYardstick {
				f.Add(q.Key, fmt.Sprintf("give a number of %s, such as 3", q.Unit))
				continue
			}
			a.Number, a.Text = num(math.Round(n*100)/100), strconv.FormatFloat(math.Round(n*100)/100, 'f', -1, 64)
		case Text:
			if p := text.Problem(v, MaxTextAnswer, true); p != "" {
				f.Add(q.Key, "the answer "+p)
				continue
			}
		}
		out = append(out, a)
	}
	return out, f.Err()
}

func num(f float64) *float64 { return &f }

// Outcomes: what the loop makes of a response.
const (
	Problem = "problem" // a "no", NPS ≤ 6 or CSAT ≤ 2: a case, and the owner told at once
	Happy   = "happy"   // every yes/no a "yes" and NPS ≥ 9: the next sale starts
	Neutral = "neutral" // neither
)

// Outcome reads a response: any "no", an NPS of 6 or less or a CSAT of 2
// or less is a problem; otherwise, when it answers at least one yes/no or
// NPS question, every yes/no is "yes" and any NPS is 9 or more, the
// customer is happy (a happy response needs an NPS when the template asks
// one).
func Outcome(answers []Answer) string {
	happyCues, unhappy := 0, false
	for _, a := range answers {
		switch a.Type {
		case YesNo:
			if !a.Yes() {
				return Problem
			}
			happyCues++
		case NPS:
			if a.Value() <= 6 {
				return Problem
			}
			if a.Value() >= 9 {
				happyCues++
			} else {
				unhappy = true
			}
		case CSAT:
			if a.Value() <= 2 {
				return Problem
			}
		}
	}
	if happyCues > 0 && !unhappy {
		return Happy
	}
	return Neutral
}

// Summary says a response in a few words for the timeline: "NPS 10,
// everything as expected" or "NPS 4; no to “Have we delivered as
// promised?”".
func Summary(t Template, answers []Answer) string {
	var parts, nos []string
	yes, yesNo := 0, 0
	for _, a := range answers {
		q, _ := t.Question(a.Key)
		switch a.Type {
		case NPS:
			parts = append(parts, "NPS "+a.Text)
		case CSAT:
			parts = append(parts, "CSAT "+a.Text+"/5")
		case CES:
			parts = append(parts, "effort "+a.Text+"/7")
		case Yardstick:
			parts = append(parts, "expects "+a.Text+" "+a.Unit+" for "+strings.ReplaceAll(a.Metric, "_", " "))
		case YesNo:
			yesNo++
			if a.Yes() {
				yes++
			} else {
				nos = append(nos, "no to “"+q.Label+"”")
			}
		}
	}
	switch {
	case yesNo > 0 && yes == yesNo:
		parts = append(parts, "everything as expected")
	case len(nos) > 0:
		parts = append(parts, nos...)
	}
	if len(parts) == 0 {
		return "a comment"
	}
	return strings.Join(parts, ", ")
}

// Quote writes the answers out for a case's description, one a line.
func Quote(t Template, answers []Answer) string {
	var b strings.Builder
	for _, a := range answers {
		q, _ := t.Question(a.Key)
		v := a.Text
		if a.Type == Yardstick {
			v += " " + a.Unit
		}
		fmt.Fprintf(&b, "%s\n> %s\n", q.Label, strings.ReplaceAll(v, "\n", "\n> "))
	}
	return strings.TrimSpace(b.String())
}

// ValidateTargets reports what is wrong with the internal targets of the
// yardstick metrics (metric → a number in the metric's unit): each metric
// is named like a question key, each target a positive number up to
// MaxYardstick. A target's problem is filed under targets.<metric>.
func ValidateTargets(targets map[string]float64) error {
	var f fault.Fields
	if len(targets) > 100 {
		f.Add("targets", "keep to 100 targets")
	}
	for _, m := range slices.Sorted(maps.Keys(targets)) {
		if !keyOK(m) {
			f.Add("targets", "name each metric in lower-case letters, digits and _, starting with a letter, such as “delivery_days”")
			continue
		}
		if n := targets[m]; !(n > 0 && n <= MaxYardstick) {
			f.Add("targets."+m, fmt.Sprintf("give a number above 0 and at most %d, such as 7", MaxYardstick))
		}
	}
	return f.Err()
}
