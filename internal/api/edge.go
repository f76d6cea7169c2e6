package api

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/danielgtaylor/huma/v2"
)

// register is huma.Register with what every operation shares: its text
// input is held to the one rule of internal/text before the handler runs
// (see input.go), every error it can answer is declared, and it has a
// description.
func register[I, O any](api huma.API, o huma.Operation, h func(context.Context, *I) (*O, error)) {
	in := reflect.TypeFor[I]()
	plan := planInput(in)
	o.Errors = errorsOf(o, plan)
	if o.Description == "" {
		o.Description = describe(o)
	}
	huma.Register(api, o, func(ctx context.Context, input *I) (*O, error) {
		if err := plan.check(reflect.ValueOf(input).Elem()); err != nil {
			return nil, err
		}
		return h(ctx, input)
	})
	plan.document(api, o)
}

// errorsOf lists the 4xx an operation can answer. huma adds 422 for
// operations with parameters or a body, and 500.
func errorsOf(o huma.Operation, p *inputPlan) []int {
	var codes []int
	add := func(c ...int) {
		for _, x := range c {
			if !slices.Contains(codes, x) {
				codes = append(codes, x)
			}
		}
	}
	if o.Metadata[public] == true {
		add(http.StatusUnauthorized, http.StatusTooManyRequests)
	} else {
		add(http.StatusUnauthorized, http.StatusForbidden)
	}
	if p.hasBody {
		add(http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if p.hasPath {
		add(http.StatusNotFound)
	}
	if p.hasIfMatch {
		add(http.StatusPreconditionFailed)
	}
	switch o.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		add(http.StatusConflict)
	}
	add(http.StatusUnprocessableEntity)
	slices.Sort(codes)
	return codes
}

// describe writes an operation's description from its summary and who
// may call it.
func describe(o huma.Operation) string {
	d := o.Summary
	if d != "" && !strings.HasSuffix(d, ".") {
		d += "."
	}
	switch {
	case o.Metadata[public] == true:
		d += " No sign-in needed."
	case o.Metadata[needAdmin] == true:
		d += " Needs an admin-scope token or a browser session."
	case o.Method == http.MethodGet || o.Method == http.MethodHead:
		d += " Any token scope or a browser session."
	default:
		d += " Needs a write- or admin-scope token, or a browser session."
	}
	return d
}

// schemaName names schemas in Go style, without the hyphens of operation
// ids, so that generated clients compile: "create-user" with huma's hint
// "Response" becomes CreateUserOutput, not Create-userResponse (which would
// also collide with the CreateUserResponse wrapper oapi-codegen writes).
func schemaName(t reflect.Type, hint string) string {
	if t.Name() == "" || (t.Kind() == reflect.Pointer && t.Elem().Name() == "") {
		switch {
		case strings.HasSuffix(hint, "Request"):
			hint = strings.TrimSuffix(hint, "Request") + "Input"
		case strings.HasSuffix(hint, "Response"):
			hint = strings.TrimSuffix(hint, "Response") + "Output"
		}
	}
	return goName(huma.DefaultSchemaNamer(t, hint))
}

// goName turns "case-confirmation-rates" into "CaseConfirmationRates".
func goName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '-' || r == '_' || r == ' ' || r == '.' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
