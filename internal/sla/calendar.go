// Package sla measures service targets in business time: calendars of
// working hours and holidays in a time zone, durations of business time
// between instants, and the SLA clocks of a case (on track, at risk at 80%
// of the target, breached, met), which pause while the case waits on the
// customer. Pure domain code: no clock, no I/O.
package sla

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"tandem/internal/fault"
)

// Span is a working period of a day, in minutes after local midnight,
// [Start, End).
type Span struct {
	Start, End int
}

// Calendar is when a team works: weekly spans per weekday in a time zone,
// and holidays (local dates) when it does not.
type Calendar struct {
	Location *time.Location
	Week     [7][]Span // indexed by time.Weekday
	Holidays map[string]bool
}

// Default is Monday to Friday, 09:00–17:00, in loc.
func Default(loc *time.Location) Calendar {
	c := Calendar{Location: loc, Holidays: map[string]bool{}}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []Span{{9 * 60, 17 * 60}}
	}
	return c
}

// ParseSpans reads "09:00-12:30,13:30-17:00".
func ParseSpans(s string) ([]Span, error) {
	var out []Span
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(part, "-")
		a, errA := parseClock(from)
		b, errB := parseClock(to)
		if !ok || errA != nil || errB != nil {
			return nil, fmt.Errorf("%q is not a span like 09:00-17:00", part)
		}
		out = append(out, Span{a, b})
	}
	return out, nil
}

func parseClock(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad time %q", s)
	}
	return h*60 + m, nil
}

// Validate reports what is wrong with a calendar.
func (c Calendar) Validate() error {
	var f fault.Fields
	c.check(&f, false, true)
	return f.Err()
}

// check adds c's problems to f: a missing zone unless zoneTold (it was
// already said why), spans that end before they start or overlap, each
// under hours.<day>, and, when wholeWeek (every day was read), a week
// without any working hours.
func (c Calendar) check(f *fault.Fields, zoneTold, wholeWeek bool) {
	if c.Location == nil && !zoneTold {
		f.Add("time_zone", "choose a time zone such as Europe/Berlin")
	}
	total := 0
	for d, spans := range c.Week {
		field := "hours." + strings.ToLower(time.Weekday(d).String())
		sorted := append([]Span(nil), spans...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
		for i, s := range sorted {
			if s.Start < 0 || s.End > 24*60 || s.Start >= s.End {
				f.Add(field, "a span must start before it ends, within the day")
			} else if i > 0 && s.Start < sorted[i-1].End {
				f.Add(field, "spans overlap")
			}
			total += max(0, s.End-s.Start)
		}
	}
	if total == 0 && wholeWeek {
		f.Add("hours", "a calendar needs some working hours")
	}
}

// maxDays bounds the search for business time: ten years of days.
const maxDays = 3660

// spansOn returns the working spans of a local date as instants.
func (c Calendar) spansOn(y int, m time.Month, d int) [][2]time.Time {
	day := time.Date(y, m, d, 12, 0, 0, 0, c.Location)
	if c.Holidays[day.Format("2006-01-02")] {
		return nil
	}
	spans := c.Week[day.Weekday()]
	out := make([][2]time.Time, 0, len(spans))
	for _, s := range spans {
		out = append(out, [2]time.Time{
			time.Date(y, m, d, s.Start/60, s.Start%60, 0, 0, c.Location),
			time.Date(y, m, d, s.End/60, s.End%60, 0, 0, c.Location),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0].Before(out[j][0]) })
	return out
}

// Add returns the instant at which d of business time has passed after t.
func (c Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	local := t.In(c.Location)
	y, m, day := local.Date()
	for i := 0; i < maxDays; i++ {
		for _, s := range c.spansOn(y, m, day+i) {
			start := s[0]
			if t.After(start) {
				start = t
			}
			if !start.Before(s[1]) {
				continue
			}
			if avail := s[1].Sub(start); d <= avail {
				return start.Add(d)
			} else {
				d -= avail
			}
		}
	}
	return t.Add(maxDays * 24 * time.Hour) // a calendar without working time: never
}

// Between returns the business time in [a, b).
func (c Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	local := a.In(c.Location)
	y, m, day := local.Date()
	var total time.Duration
	for i := 0; i < maxDays; i++ {
		spans := c.spansOn(y, m, day+i)
		for _, s := range spans {
			if !s[0].Before(b) {
				return total
			}
			from, to := s[0], s[1]
			if a.After(from) {
				from = a
			}
			if b.Before(to) {
				to = b
			}
			if to.After(from) {
				total += to.Sub(from)
			}
		}
		if time.Date(y, m, day+i+1, 0, 0, 0, 0, c.Location).After(b) {
			return total
		}
	}
	return total
}
