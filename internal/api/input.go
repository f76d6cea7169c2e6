package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/fault"
	"tandem/internal/text"
)

// Every text an operation reads (a body field at any depth, a map key, a
// path, query or header parameter) is held to the one rule of
// internal/text: valid UTF-8, no NUL, no control characters (newline and
// tab only in fields tagged text:"multiline") and at most its maxLength
// characters. The limit is the field's maxLength tag, or else text.Long for
// multi-line fields, text.ID for ids, cursorMax for cursors and text.Short
// for the rest; it is declared in the OpenAPI document too. A violation is
// a 422 naming the field, except an id in the path, which names no record
// and so answers 404 like any unknown id.

// cursorMax bounds a cursor: it carries the sort key of the last item (an
// account's name of up to 200 characters), base64-encoded.
const cursorMax = 2048

// rule is what a value of one type must satisfy.
type rule struct {
	kind      reflect.Kind // String, Struct, Slice, Map, Pointer
	limit     int
	multiline bool
	fields    []fieldRule // Struct
	elem      *rule       // Slice, Map, Pointer
}

type fieldRule struct {
	index int
	name  string // the JSON name; "" for an embedded struct
	rule  *rule
}

// param is one path, query or header parameter.
type param struct {
	index     []int
	in        string // path, query, header
	name      string
	limit     int
	multiline bool
	id        bool // an id in the path: a bad one is 404
	slice     bool
}

type inputPlan struct {
	params                       []param
	body                         *rule
	bodyIndex                    int
	hasBody, hasPath, hasIfMatch bool
}

var timeType = reflect.TypeFor[time.Time]()

// limitOf is a text field's maximum length: its maxLength tag, or the
// default for its name.
func limitOf(tag reflect.StructTag, name string) (limit int, multiline bool) {
	multiline = tag.Get("text") == "multiline"
	if n, err := strconv.Atoi(tag.Get("maxLength")); err == nil {
		return n, multiline
	}
	switch {
	case multiline:
		return text.Long, true
	case name == "cursor":
		return cursorMax, false
	case name == "id" || strings.HasSuffix(name, "_id"):
		return text.ID, false
	}
	return text.Short, false
}

func planInput(t reflect.Type) *inputPlan {
	p := &inputPlan{bodyIndex: -1}
	p.walkParams(t, nil)
	return p
}

func (p *inputPlan) walkParams(t reflect.Type, index []int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		idx := append(append([]int{}, index...), i)
		if f.Name == "Body" && len(index) == 0 {
			p.hasBody, p.bodyIndex = true, i
			p.body = ruleOf(f.Type, f.Tag, "body", 0)
			continue
		}
		var in, name string
		for _, loc := range []string{"path", "query", "header"} {
			if n := f.Tag.Get(loc); n != "" {
				in, name = loc, strings.Split(n, ",")[0]
			}
		}
		if in == "" {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				p.walkParams(f.Type, idx)
			}
			continue
		}
		if in == "path" {
			p.hasPath = true
		}
		if in == "header" && strings.EqualFold(name, "If-Match") {
			p.hasIfMatch = true
		}
		ft := f.Type
		slice := ft.Kind() == reflect.Slice
		if slice {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.String {
			continue
		}
		limit, multi := limitOf(f.Tag, name)
		p.params = append(p.params, param{index: idx, in: in, name: name, limit: limit, multiline: multi, id: in == "path" && name == "id", slice: slice})
	}
}

// ruleOf is the rule of a value of type t; nil when it holds no text.
func ruleOf(t reflect.Type, tag reflect.StructTag, name string, depth int) *rule {
	if depth > 10 {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		limit, multi := limitOf(tag, name)
		return &rule{kind: reflect.String, limit: limit, multiline: multi}
	case reflect.Pointer:
		if e := ruleOf(t.Elem(), tag, name, depth+1); e != nil {
			return &rule{kind: reflect.Pointer, elem: e}
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // raw bytes
		}
		if e := ruleOf(t.Elem(), tag, name, depth+1); e != nil {
			return &rule{kind: reflect.Slice, elem: e}
		}
	case reflect.Map:
		// Keys are checked whatever the values hold.
		return &rule{kind: reflect.Map, elem: ruleOf(t.Elem(), tag, name, depth+1)}
	case reflect.Struct:
		if t == timeType {
			return nil
		}
		r := &rule{kind: reflect.Struct}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			jn := strings.Split(f.Tag.Get("json"), ",")[0]
			if jn == "-" {
				continue
			}
			if f.Anonymous && jn == "" {
				if e := ruleOf(f.Type, f.Tag, name, depth+1); e != nil {
					r.fields = append(r.fields, fieldRule{index: i, rule: e})
				}
				continue
			}
			if jn == "" {
				jn = f.Name
			}
			if e := ruleOf(f.Type, f.Tag, jn, depth+1); e != nil {
				r.fields = append(r.fields, fieldRule{index: i, name: jn, rule: e})
			}
		}
		if len(r.fields) > 0 {
			return r
		}
	}
	return nil
}

// check answers the problem with the input v, or nil.
func (p *inputPlan) check(v reflect.Value) error {
	var errs []fault.FieldError
	for _, pr := range p.params {
		f := v.FieldByIndex(pr.index)
		vals := []string{}
		if pr.slice {
			for i := 0; i < f.Len(); i++ {
				vals = append(vals, f.Index(i).String())
			}
		} else {
			vals = append(vals, f.String())
		}
		for _, s := range vals {
			msg := text.Problem(s, pr.limit, pr.multiline)
			if msg == "" {
				continue
			}
			if pr.id {
				return newProblem(http.StatusNotFound, "there is no record with this id")
			}
			errs = append(errs, fault.FieldError{Field: pr.name, Message: msg})
			break
		}
	}
	if p.body != nil {
		p.body.check(v.Field(p.bodyIndex), "", &errs)
	}
	if len(errs) == 0 {
		return nil
	}
	pr := newProblem(http.StatusUnprocessableEntity, "some values are not valid")
	pr.Errors = errs
	return pr
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (r *rule) check(v reflect.Value, path string, errs *[]fault.FieldError) {
	if r == nil || len(*errs) >= 20 {
		return
	}
	switch r.kind {
	case reflect.String:
		if msg := text.Problem(v.String(), r.limit, r.multiline); msg != "" {
			*errs = append(*errs, fault.FieldError{Field: path, Message: msg})
		}
	case reflect.Pointer:
		if !v.IsNil() {
			r.elem.check(v.Elem(), path, errs)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			r.elem.check(v.Index(i), path+"["+strconv.Itoa(i)+"]", errs)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			key := ""
			if k.Kind() == reflect.String {
				key = k.String()
				if msg := text.Problem(key, text.Short, false); msg != "" {
					*errs = append(*errs, fault.FieldError{Field: path, Message: "a key " + msg})
					continue
				}
			}
			r.elem.check(iter.Value(), join(path, key), errs)
		}
	case reflect.Struct:
		for _, f := range r.fields {
			name := path
			if f.name != "" {
				name = join(path, f.name)
			}
			f.rule.check(v.Field(f.index), name, errs)
		}
	}
}

// document declares the limits in the operation's OpenAPI description,
// where a maxLength tag has not already.
func (p *inputPlan) document(api huma.API, o huma.Operation) {
	doc := api.OpenAPI()
	item := doc.Paths[o.Path]
	if item == nil {
		return
	}
	var op *huma.Operation
	switch o.Method {
	case http.MethodGet:
		op = item.Get
	case http.MethodPost:
		op = item.Post
	case http.MethodPut:
		op = item.Put
	case http.MethodPatch:
		op = item.Patch
	case http.MethodDelete:
		op = item.Delete
	}
	if op == nil {
		return
	}
	reg := doc.Components.Schemas
	for _, pr := range p.params {
		for _, dp := range op.Parameters {
			if dp.In == pr.in && strings.EqualFold(dp.Name, pr.name) && dp.Schema != nil {
				s := dp.Schema
				if pr.slice && s.Items != nil {
					s = s.Items
				}
				setLimit(s, pr.limit)
			}
		}
	}
	if p.body != nil && op.RequestBody != nil {
		for _, mt := range op.RequestBody.Content {
			if mt.Schema != nil {
				p.body.document(reg, mt.Schema, 0)
			}
		}
	}
}

func setLimit(s *huma.Schema, limit int) {
	if s.Type != huma.TypeString || s.MaxLength != nil || len(s.Enum) > 0 || s.Format != "" {
		return
	}
	s.MaxLength = &limit
	s.PrecomputeMessages()
}

func (r *rule) document(reg huma.Registry, s *huma.Schema, depth int) {
	if r == nil || s == nil || depth > 20 {
		return
	}
	if s.Ref != "" {
		s = reg.SchemaFromRef(s.Ref)
		if s == nil {
			return
		}
	}
	switch r.kind {
	case reflect.String:
		setLimit(s, r.limit)
	case reflect.Pointer:
		r.elem.document(reg, s, depth+1)
	case reflect.Slice:
		r.elem.document(reg, s.Items, depth+1)
	case reflect.Map:
		if as, ok := s.AdditionalProperties.(*huma.Schema); ok {
			r.elem.document(reg, as, depth+1)
		}
	case reflect.Struct:
		for _, f := range r.fields {
			if f.name == "" {
				f.rule.document(reg, s, depth+1)
				continue
			}
			f.rule.document(reg, s.Properties[f.name], depth+1)
		}
	}
}

// cleanBody refuses a request body that is not valid UTF-8 with a 422
// naming the field that holds the bad bytes. Without it, JSON decoding
// would quietly turn them into U+FFFD.
func cleanBody(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op.RequestBody == nil {
			next(ctx)
			return
		}
		body := ctx.BodyReader()
		if body == nil {
			next(ctx)
			return
		}
		buf, err := io.ReadAll(io.LimitReader(body, MaxBody+1))
		rest := io.MultiReader(bytes.NewReader(buf), body)
		if err == nil && len(buf) <= MaxBody && !utf8.Valid(buf) {
			field := fieldAt(buf, invalidAt(buf))
			if field == "" {
				field = "body"
			}
			huma.WriteErr(api, ctx, http.StatusUnprocessableEntity, "some values are not valid",
				&huma.ErrorDetail{Location: "body." + field, Message: "is not valid UTF-8 text"})
			return
		}
		next(&bodyContext{humaContext: ctx, body: rest})
	}
}

type humaContext huma.Context

type bodyContext struct {
	humaContext
	body io.Reader
}

func (c *bodyContext) BodyReader() io.Reader { return c.body }

// invalidAt is the offset of the first byte that is not valid UTF-8.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// fieldAt names the JSON field (a.b[2].c) whose token spans offset bad, or
// "" when it cannot tell.
func fieldAt(body []byte, bad int) string {
	type frame struct {
		obj     bool
		key     string
		idx     int
		wantKey bool
	}
	path := func(st []frame) string {
		s := ""
		for _, f := range st {
			if f.obj {
				s = join(s, f.key)
			} else {
				s += "[" + strconv.Itoa(f.idx) + "]"
			}
		}
		return s
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var st []frame
	valueDone := func() {
		if len(st) == 0 {
			return
		}
		if top := &st[len(st)-1]; top.obj {
			top.wantKey = true
		} else {
			top.idx++
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		off := int(dec.InputOffset())
		if len(st) > 0 && st[len(st)-1].obj && st[len(st)-1].wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				st = st[:len(st)-1]
				valueDone()
				continue
			}
			k, _ := tok.(string)
			st[len(st)-1].key, st[len(st)-1].wantKey = k, false
			if off > bad {
				return path(st)
			}
			continue
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				st = append(st, frame{obj: true, wantKey: true})
			case '[':
				st = append(st, frame{})
			case ']', '}':
				st = st[:len(st)-1]
				valueDone()
			}
			continue
		}
		if off > bad {
			return path(st)
		}
		valueDone()
	}
}
