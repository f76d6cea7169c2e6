package sla

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"tandem/internal/fault"
)

// DayNames are the weekdays as calendars are written, Monday first.
var DayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// weekdays maps each of DayNames to its weekday.
var weekdays = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for i, d := range DayNames {
		m[d] = time.Weekday((i + 1) % 7)
	}
	return m
}()

// CalendarSpec is a calendar as people write it: a time zone, working
// hours per weekday ("09:00-12:30,13:30-17:00") and holidays (YYYY-MM-DD).
type CalendarSpec struct {
	TimeZone string            `json:"time_zone"`
	Hours    map[string]string `json:"hours"`
	Holidays []string          `json:"holidays"`
}

// DefaultSpec is Monday to Friday, 09:00–17:00, in zone.
func DefaultSpec(zone string) CalendarSpec {
	h := map[string]string{}
	for _, d := range DayNames[:5] {
		h[d] = "09:00-17:00"
	}
	return CalendarSpec{TimeZone: zone, Hours: h, Holidays: []string{}}
}

// Compile checks a spec and turns it into a calendar.
func (s CalendarSpec) Compile() (Calendar, error) {
	var f fault.Fields
	c := Calendar{Holidays: map[string]bool{}}
	loc, err := time.LoadLocation(strings.TrimSpace(s.TimeZone))
	if err != nil || strings.TrimSpace(s.TimeZone) == "" {
		f.Add("time_zone", fmt.Sprintf("%q is not a time zone; use a name such as Europe/Berlin or America/New_York", s.TimeZone))
	}
	c.Location = loc
	names := make([]string, 0, len(s.Hours))
	for name := range s.Hours {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d, ok := weekdays[strings.ToLower(name)]
		if !ok {
			f.Add("hours", fmt.Sprintf("%q is not a weekday; use monday … sunday", name))
			continue
		}
		spans, err := ParseSpans(s.Hours[name])
		if err != nil {
			f.Add("hours."+strings.ToLower(name), err.Error())
			continue
		}
		c.Week[d] = spans
	}
	for _, h := range s.Holidays {
		if _, err := time.Parse("2006-01-02", h); err != nil {
			f.Add("holidays", fmt.Sprintf("%q is not a date like 2026-12-25", h))
			continue
		}
		c.Holidays[h] = true
	}
	// The spans read are checked too, so that every problem is told at
	// once, each beside its field.
	hoursRead := true
	for _, e := range f {
		if strings.HasPrefix(e.Field, "hours") {
			hoursRead = false
		}
	}
	c.check(&f, true, hoursRead)
	if err := f.Err(); err != nil {
		return Calendar{}, err
	}
	return c, nil
}
