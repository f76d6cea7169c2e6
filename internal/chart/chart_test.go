package chart

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

// node is a generic parse of the SVG, enough to walk it.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Kids    []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) all(local string, class string) []node {
	var out []node
	var walk func(node)
	walk = func(x node) {
		if x.XMLName.Local == local && (class == "" || x.attr("class") == class) {
			out = append(out, x)
		}
		for _, k := range x.Kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

func parse(t *testing.T, s string) node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("not XML: %v\n%s", err, s)
	}
	if n.XMLName.Local != "svg" || n.attr("role") != "img" || n.attr("viewBox") == "" || n.attr("width") != "100%" {
		t.Fatalf("svg root %+v", n.Attrs)
	}
	if len(n.all("title", "")) == 0 || len(n.all("desc", "")) != 1 {
		t.Fatalf("no title/desc")
	}
	return n
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

func TestNPSDistribution(t *testing.T) {
	dist := []int{1, 0, 0, 0, 0, 2, 1, 3, 4, 6, 12}
	n := parse(t, string(DistributionSVG(Distribution{ID: "nps-dist", Title: "NPS answers", Bars: NPSBars(dist)})))
	bars := n.all("rect", "bar")
	if len(bars) != 11 {
		t.Fatalf("%d bars", len(bars))
	}
	tallest := num(t, bars[10].attr("height"))
	for i, b := range bars {
		if b.attr("data-count") != strconv.Itoa(dist[i]) {
			t.Errorf("bar %d count %s", i, b.attr("data-count"))
		}
		h := num(t, b.attr("height"))
		want := tallest * float64(dist[i]) / 12
		if diff := h - want; diff > 0.11 || diff < -0.11 {
			t.Errorf("bar %d height %v, want %v", i, h, want)
		}
		color := ColorDetractor
		if i >= 9 {
			color = ColorPromoter
		} else if i >= 7 {
			color = ColorPassive
		}
		if b.attr("fill") != color {
			t.Errorf("bar %d fill %s", i, b.attr("fill"))
		}
		// bars sit on the same baseline
		if y := num(t, b.attr("y")) + h; y < float64(padT+plotH)-0.11 || y > float64(padT+plotH)+0.11 {
			t.Errorf("bar %d bottom %v", i, y)
		}
	}
	desc := n.all("desc", "")[0].Text
	for _, w := range []string{"29 answers", "10: 12 (promoter)", "0: 1 (detractor)", "7: 3 (passive)"} {
		if !strings.Contains(desc, w) {
			t.Errorf("desc %q lacks %q", desc, w)
		}
	}
}

func TestScaleBarsAndEmpty(t *testing.T) {
	n := parse(t, string(DistributionSVG(Distribution{ID: "c", Title: "CSAT", Bars: ScaleBars([]int{0, 1, 0, 2, 5, 4}, 1, 5)})))
	if len(n.all("rect", "bar")) != 5 {
		t.Fatal("want 5 bars")
	}
	n = parse(t, string(DistributionSVG(Distribution{ID: "e", Title: "CES", Bars: ScaleBars(nil, 1, 7), Empty: "Nobody answered yet."})))
	if len(n.all("rect", "bar")) != 0 || len(n.all("text", "empty")) != 1 || !strings.Contains(n.all("desc", "")[0].Text, "Nobody") {
		t.Fatal("empty state")
	}
}

func TestTrend(t *testing.T) {
	pts := []Point{{"2026-01", 20, 4}, {"2026-02", 40, 5}, {"2026-03", 0, 0}, {"2026-04", -50, 2}, {"2026-05", 100, 1}}
	n := parse(t, string(TrendSVG(Trend{ID: "nps-trend", Title: "NPS", Unit: "points", Min: -100, Max: 100, Points: pts})))
	circles := n.all("circle", "point")
	if len(circles) != 4 {
		t.Fatalf("%d points", len(circles))
	}
	// One line for Jan–Feb, one for Apr–May: the March gap breaks it.
	if lines := n.all("polyline", "line"); len(lines) != 2 {
		t.Fatalf("%d line segments", len(lines))
	}
	y := func(i int) float64 { return num(t, circles[i].attr("cy")) }
	if !(y(3) < y(1) && y(1) < y(0) && y(0) < y(2)) { // higher score → smaller y
		t.Fatalf("y order %v %v %v %v", y(0), y(1), y(2), y(3))
	}
	if y(3) != padT { // 100 is the top
		t.Fatalf("top %v", y(3))
	}
	desc := n.all("desc", "")[0].Text
	for _, w := range []string{"2026-01: 20 points from 4 answers", "2026-03: no answers", "2026-05: 100 points from 1 answer"} {
		if !strings.Contains(desc, w) {
			t.Errorf("desc %q lacks %q", desc, w)
		}
	}
	if len(n.all("line", "zero")) != 1 {
		t.Error("no zero line")
	}
}

func TestTrendEmptyAndLabels(t *testing.T) {
	n := parse(t, string(TrendSVG(Trend{ID: "t", Title: "CSAT", Min: 0, Max: 100, Points: []Point{{"2026-01", 0, 0}}})))
	if len(n.all("text", "empty")) != 1 || len(n.all("circle", "point")) != 0 {
		t.Fatal("empty trend")
	}
	var pts []Point
	for m := range 36 {
		pts = append(pts, Point{Label: "2024-" + strconv.Itoa(m), Value: float64(m), N: 1})
	}
	n = parse(t, string(TrendSVG(Trend{ID: "t", Title: "long", Min: 0, Max: 40, Points: pts})))
	if l := len(n.all("text", "xlabel")); l > maxTick || l < 2 {
		t.Fatalf("%d x labels", l)
	}
}

func TestEscapes(t *testing.T) {
	s := string(DistributionSVG(Distribution{ID: `x"y`, Title: `<script>alert(1)</script>`, Bars: []Bar{{Label: "<b>", Count: 1}}}))
	if strings.Contains(s, "<script>") || strings.Contains(s, "<b>") {
		t.Fatalf("unescaped: %s", s)
	}
	parse(t, s)
}

func TestShortMonth(t *testing.T) {
	if shortMonth("2026-03") != "Mar 26" || shortMonth("Q1") != "Q1" || shortMonth("2026-13") != "2026-13" {
		t.Fatal(shortMonth("2026-03"))
	}
}
