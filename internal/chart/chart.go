// Package chart draws the small server-side SVG charts of the survey results
// page and the account page: a monthly trend and a distribution of answers.
//
// The charts are plain SVG the server writes into the page, so they need no
// JavaScript. Each is an image to assistive technology (role="img") with a
// <title> and a <desc> that says the numbers in words; the page shows the
// same numbers in a table beside it. The SVG has a viewBox and width 100%, so
// it shrinks to a phone's width instead of overflowing it.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Geometry of both charts, in viewBox units.
const (
	width   = 640
	height  = 260
	padL    = 48
	padR    = 12
	padT    = 16
	padB    = 40
	plotW   = width - padL - padR
	plotH   = height - padT - padB
	fontPx  = 16
	maxTick = 7 // at most this many x labels, so they never overlap
)

// Colours, chosen for contrast against white (all ≥ 4.5:1) and told apart
// by the words in the description and the table, not by colour alone.
const (
	ColorDetractor = "#b42318"
	ColorPassive   = "#6b5d00"
	ColorPromoter  = "#05603a"
	ColorNeutral   = "#1f4e8c"
	colorAxis      = "#555555"
	colorGrid      = "#dddddd"
)

// Point is one month of a trend. A month with N = 0 has no value and is
// drawn as a gap.
type Point struct {
	Label string  // e.g. "2026-03"
	Value float64 // the score of the month
	N     int     // answers behind it
}

// Trend is a line chart of a score by month.
type Trend struct {
	ID     string // unique id prefix within the page, for aria references
	Title  string
	Unit   string  // said after each value in the description, e.g. "points"
	Min    float64 // bottom of the y axis (e.g. −100 for NPS)
	Max    float64 // top of the y axis
	Digits int     // decimals shown
	Points []Point
	Empty  string // what to say when no month has answers
}

// Bar is one bar of a distribution.
type Bar struct {
	Label string // the answer, e.g. "9"
	Count int
	Color string // fill; ColorNeutral when empty
	Group string // said in the description, e.g. "promoter"; may be empty
}

// Distribution is a bar chart of how many gave each answer.
type Distribution struct {
	ID    string
	Title string
	Bars  []Bar
	Empty string
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func open(b *strings.Builder, id, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" preserveAspectRatio="xMidYMid meet" aria-labelledby="%s-title %s-desc" font-family="sans-serif" font-size="%d">`,
		width, height, esc(id), esc(id), fontPx)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

func emptyState(b *strings.Builder, msg string) {
	fmt.Fprintf(b, `<rect x="0" y="0" width="%d" height="%d" fill="#f6f6f6" stroke="%s"/>`, width, height, colorGrid)
	fmt.Fprintf(b, `<text class="empty" x="%d" y="%d" text-anchor="middle" fill="%s">%s</text></svg>`, width/2, height/2, colorAxis, esc(msg))
}

// step returns how often to label the x axis so at most maxTick labels show.
func step(n int) int {
	if n <= maxTick {
		return 1
	}
	return int(math.Ceil(float64(n) / maxTick))
}

// TrendSVG draws the trend. Months without answers are gaps in the line;
// with no answers at all it draws the empty state.
func TrendSVG(t Trend) template.HTML {
	if t.Max <= t.Min {
		t.Max = t.Min + 1
	}
	if t.Empty == "" {
		t.Empty = "No answers in this period."
	}
	var words []string
	has := 0
	for _, p := range t.Points {
		if p.N > 0 {
			has++
			words = append(words, fmt.Sprintf("%s: %s %s from %d %s", p.Label, strconv.FormatFloat(p.Value, 'f', t.Digits, 64), t.Unit, p.N, plural(p.N, "answer", "answers")))
		} else {
			words = append(words, p.Label+": no answers")
		}
	}
	var b strings.Builder
	if has == 0 {
		open(&b, t.ID, t.Title, t.Empty)
		emptyState(&b, t.Empty)
		return template.HTML(b.String())
	}
	open(&b, t.ID, t.Title, t.Title+" by month. "+strings.Join(words, "; ")+".")
	y := func(v float64) float64 {
		v = math.Min(math.Max(v, t.Min), t.Max)
		return padT + plotH*(t.Max-v)/(t.Max-t.Min)
	}
	// Grid: min, middle, max, and zero when it is inside.
	ticks := []float64{t.Min, (t.Min + t.Max) / 2, t.Max}
	for _, v := range ticks {
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%s" y2="%s" stroke="%s"/>`, padL, padL+plotW, f(y(v)), f(y(v)), colorGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" dominant-baseline="middle" fill="%s">%s</text>`, padL-6, f(y(v)), colorAxis, strconv.FormatFloat(v, 'f', t.Digits, 64))
	}
	if t.Min < 0 && t.Max > 0 {
		fmt.Fprintf(&b, `<line class="zero" x1="%d" x2="%d" y1="%s" y2="%s" stroke="%s"/>`, padL, padL+plotW, f(y(0)), f(y(0)), colorAxis)
	}
	n := len(t.Points)
	// The points keep a gutter from the plot's edges, so the first and
	// last month's labels fit.
	const gutter = 28
	x := func(i int) float64 {
		if n == 1 {
			return padL + plotW/2
		}
		return padL + gutter + float64(plotW-2*gutter)*float64(i)/float64(n-1)
	}
	// The line, broken at months without answers.
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			fmt.Fprintf(&b, `<polyline class="line" fill="none" stroke="%s" stroke-width="3" points="%s"/>`, ColorNeutral, strings.Join(seg, " "))
		}
		seg = seg[:0]
	}
	for i, p := range t.Points {
		if p.N == 0 {
			flush()
			continue
		}
		seg = append(seg, f(x(i))+","+f(y(p.Value)))
	}
	flush()
	for i, p := range t.Points {
		if p.N > 0 {
			fmt.Fprintf(&b, `<circle class="point" cx="%s" cy="%s" r="5" fill="%s" data-label="%s" data-value="%s" data-n="%d"><title>%s</title></circle>`,
				f(x(i)), f(y(p.Value)), ColorNeutral, esc(p.Label), strconv.FormatFloat(p.Value, 'f', t.Digits, 64), p.N, esc(words[i]))
		}
	}
	s := step(n)
	for i, p := range t.Points {
		if i%s == 0 || i == n-1 && n <= maxTick {
			fmt.Fprintf(&b, `<text class="xlabel" x="%s" y="%d" text-anchor="middle" fill="%s">%s</text>`, f(x(i)), height-padB+22, colorAxis, esc(shortMonth(p.Label)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shortMonth turns "2026-03" into "Mar 26"; other labels pass through.
func shortMonth(l string) string {
	if len(l) == 7 && l[4] == '-' {
		m, err := strconv.Atoi(l[5:])
		if err == nil && m >= 1 && m <= 12 {
			return [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}[m-1] + " " + l[2:4]
		}
	}
	return l
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// DistributionSVG draws one bar per answer value, heights in proportion to
// the largest count. With no answers at all it draws the empty state.
func DistributionSVG(d Distribution) template.HTML {
	if d.Empty == "" {
		d.Empty = "No answers in this period."
	}
	total, top := 0, 0
	var words []string
	for _, bar := range d.Bars {
		total += bar.Count
		top = max(top, bar.Count)
		w := fmt.Sprintf("%s: %d", bar.Label, bar.Count)
		if bar.Group != "" {
			w += " (" + bar.Group + ")"
		}
		words = append(words, w)
	}
	var b strings.Builder
	if total == 0 || len(d.Bars) == 0 {
		open(&b, d.ID, d.Title, d.Empty)
		emptyState(&b, d.Empty)
		return template.HTML(b.String())
	}
	open(&b, d.ID, d.Title, fmt.Sprintf("%s, %d %s. %s.", d.Title, total, plural(total, "answer", "answers"), strings.Join(words, "; ")))
	fmt.Fprintf(&b, `<line class="axis" x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"/>`, padL, padL+plotW, padT+plotH, padT+plotH, colorAxis)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle" fill="%s">%d</text>`, padL-6, padT+fontPx+6, colorAxis, top)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle" fill="%s">0</text>`, padL-6, padT+plotH, colorAxis)
	slot := float64(plotW) / float64(len(d.Bars))
	bw := slot * 0.7
	// The tallest bar leaves room above it for its count.
	barH := float64(plotH - fontPx - 6)
	for i, bar := range d.Bars {
		h := 0.0
		if top > 0 {
			h = barH * float64(bar.Count) / float64(top)
		}
		color := bar.Color
		if color == "" {
			color = ColorNeutral
		}
		x := padL + slot*float64(i) + (slot-bw)/2
		fmt.Fprintf(&b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" data-label="%s" data-count="%d"><title>%s</title></rect>`,
			f(x), f(float64(padT+plotH)-h), f(bw), f(h), esc(color), esc(bar.Label), bar.Count, esc(words[i]))
		if bar.Count > 0 {
			fmt.Fprintf(&b, `<text class="count" x="%s" y="%s" text-anchor="middle" fill="%s">%d</text>`, f(x+bw/2), f(float64(padT+plotH)-h-4), colorAxis, bar.Count)
		}
		fmt.Fprintf(&b, `<text class="xlabel" x="%s" y="%d" text-anchor="middle" fill="%s">%s</text>`, f(x+bw/2), height-padB+22, colorAxis, esc(bar.Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// NPSBars makes the eleven bars of a 0–10 distribution, coloured by group.
// dist[i] is how many answered i; a shorter slice means zero for the rest.
func NPSBars(dist []int) []Bar {
	bars := make([]Bar, 11)
	for v := range bars {
		c := 0
		if v < len(dist) {
			c = dist[v]
		}
		bar := Bar{Label: strconv.Itoa(v), Count: c, Color: ColorDetractor, Group: "detractor"}
		switch {
		case v >= 9:
			bar.Color, bar.Group = ColorPromoter, "promoter"
		case v >= 7:
			bar.Color, bar.Group = ColorPassive, "passive"
		}
		bars[v] = bar
	}
	return bars
}

// ScaleBars makes the bars lo…hi of a 1–5 or 1–7 distribution; dist[i] is
// how many answered i.
func ScaleBars(dist []int, lo, hi int) []Bar {
	var bars []Bar
	for v := lo; v <= hi; v++ {
		c := 0
		if v >= 0 && v < len(dist) {
			c = dist[v]
		}
		bars = append(bars, Bar{Label: strconv.Itoa(v), Count: c, Color: ColorNeutral})
	}
	return bars
}
