package sla

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

func zone(t testing.TB, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// genCalendar draws a calendar with one to three spans on random weekdays,
// in one of the zones with daylight saving time, with a few holidays.
func genCalendar(t *rapid.T, zones []string) Calendar {
	loc, _ := time.LoadLocation(rapid.SampledFrom(zones).Draw(t, "zone"))
	c := Calendar{Location: loc, Holidays: map[string]bool{}}
	worked := false
	for d := range 7 {
		if !rapid.Bool().Draw(t, "works") {
			continue
		}
		start := 0
		for range rapid.IntRange(1, 3).Draw(t, "spans") {
			if start >= 24*60-15 {
				break
			}
			s := rapid.IntRange(start, 24*60-15).Draw(t, "start")
			e := rapid.IntRange(s+15, min(s+12*60, 24*60)).Draw(t, "end")
			c.Week[d] = append(c.Week[d], Span{s, e})
			start = e
			worked = true
		}
	}
	if !worked {
		c.Week[time.Wednesday] = []Span{{9 * 60, 17 * 60}}
	}
	for range rapid.IntRange(0, 5).Draw(t, "holidays") {
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 400).Draw(t, "holiday"))
		c.Holidays[day.Format("2006-01-02")] = true
	}
	return c
}

func genInstant(t *rapid.T, label string) time.Time {
	// 2026 and early 2027: both daylight-saving changes of both zones.
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 450*24*3600).Draw(t, label)) * time.Second)
}

func TestAddThenMeasureReturnsTheDuration(t *testing.T) {
	zones := []string{"Europe/Berlin", "America/New_York", "UTC"}
	rapid.Check(t, func(t *rapid.T) {
		c := genCalendar(t, zones)
		start := genInstant(t, "start")
		weekly := 0
		for _, spans := range c.Week {
			for _, s := range spans {
				weekly += s.End - s.Start
			}
		}
		// Up to three weeks of business time, or twenty weeks of this calendar's hours.
		limit := min(int64(3*7*24*3600), int64(weekly)*60*20)
		d := time.Duration(rapid.Int64Range(1, limit).Draw(t, "seconds")) * time.Second
		end := c.Add(start, d)
		if got := c.Between(start, end); got != d {
			t.Fatalf("Between(%v, Add(%v, %v) = %v) = %v", start, start, d, end, got)
		}
		if end.Before(start) {
			t.Fatalf("Add went backwards")
		}
	})
}

func TestBetweenIsAdditive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genCalendar(t, []string{"Europe/Berlin", "America/New_York"})
		a := genInstant(t, "a")
		b := a.Add(time.Duration(rapid.Int64Range(0, 20*24*3600).Draw(t, "ab")) * time.Second)
		e := b.Add(time.Duration(rapid.Int64Range(0, 20*24*3600).Draw(t, "bc")) * time.Second)
		if c.Between(a, e) != c.Between(a, b)+c.Between(b, e) {
			t.Fatalf("Between(a,c)=%v, Between(a,b)+Between(b,c)=%v", c.Between(a, e), c.Between(a, b)+c.Between(b, e))
		}
		d1 := time.Duration(rapid.Int64Range(0, 5*24*3600).Draw(t, "d1")) * time.Second
		d2 := d1 + time.Duration(rapid.Int64Range(0, 5*24*3600).Draw(t, "d2"))*time.Second
		if c.Add(a, d2).Before(c.Add(a, d1)) {
			t.Fatalf("Add is not monotone")
		}
	})
}

func TestDaylightSavingChanges(t *testing.T) {
	for _, c := range []struct {
		zone     string
		from, to string // local, around the spring change
		want     time.Duration
	}{
		{"Europe/Berlin", "2026-03-28 00:00", "2026-03-30 00:00", 47 * time.Hour},
		{"Europe/Berlin", "2026-10-24 00:00", "2026-10-26 00:00", 49 * time.Hour},
		{"America/New_York", "2026-03-07 00:00", "2026-03-09 00:00", 47 * time.Hour},
		{"America/New_York", "2026-10-31 00:00", "2026-11-02 00:00", 49 * time.Hour},
	} {
		loc := zone(t, c.zone)
		always := Calendar{Location: loc}
		for d := range 7 {
			always.Week[d] = []Span{{0, 24 * 60}}
		}
		from, _ := time.ParseInLocation("2006-01-02 15:04", c.from, loc)
		to, _ := time.ParseInLocation("2006-01-02 15:04", c.to, loc)
		if got := always.Between(from, to); got != c.want {
			t.Errorf("%s %s–%s: %v, want %v", c.zone, c.from, c.to, got, c.want)
		}
		if got := always.Add(from, c.want); !got.Equal(to) {
			t.Errorf("%s: Add(%s, %v) = %v, want %v", c.zone, c.from, c.want, got.In(loc), to)
		}
		// Office hours are the same eight hours on the day after the change.
		office := Default(loc)
		mon := to.Add(9 * time.Hour)
		if got := office.Between(mon, mon.Add(24*time.Hour)); got != 8*time.Hour {
			t.Errorf("%s: a Monday after the change has %v of office time", c.zone, got)
		}
	}
}

func TestHolidaysAndLongTargets(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	c := Default(loc)
	c.Holidays["2026-04-06"] = true // Easter Monday
	fri, _ := time.ParseInLocation("2006-01-02 15:04", "2026-04-03 16:00", loc)
	if got := c.Add(fri, 2*time.Hour).In(loc).Format("2006-01-02 15:04"); got != "2026-04-07 10:00" {
		t.Errorf("Friday 16:00 + 2h over Easter Monday = %s", got)
	}
	mon, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-01 09:00", loc)
	if got := c.Add(mon, 80*time.Hour).In(loc).Format("2006-01-02 15:04"); got != "2026-06-12 17:00" {
		t.Errorf("80 business hours from Monday 09:00 = %s, want the second Friday 17:00", got)
	}
	if got := c.Between(mon, mon.AddDate(0, 0, 14)); got != 80*time.Hour {
		t.Errorf("two weeks of office time = %v", got)
	}
	sat, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-06 11:00", loc)
	if got := c.Add(sat, time.Minute).In(loc).Format("2006-01-02 15:04"); got != "2026-06-08 09:01" {
		t.Errorf("a case opened on Saturday starts counting on Monday 09:00: %s", got)
	}
}

func TestValidate(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	if err := Default(loc).Validate(); err != nil {
		t.Fatal(err)
	}
	empty := Calendar{Location: loc}
	if err := empty.Validate(); err == nil {
		t.Error("a calendar without working hours is valid")
	}
	bad := Default(loc)
	bad.Week[time.Monday] = []Span{{9 * 60, 12 * 60}, {11 * 60, 13 * 60}}
	if err := bad.Validate(); err == nil {
		t.Error("overlapping spans are valid")
	}
	if _, err := ParseSpans("09:00-25:00"); err == nil {
		t.Error("25:00 parsed")
	}
	if s, err := ParseSpans("09:00-12:30, 13:30-17:00"); err != nil || len(s) != 2 || s[1] != (Span{810, 1020}) {
		t.Errorf("ParseSpans: %v %v", s, err)
	}
}

func TestClock(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	cal := Default(loc)
	start, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-01 09:00", loc)
	c := Clock{Started: start, Target: 8 * time.Hour}
	if due := c.Due(cal).In(loc).Format("15:04 Mon"); due != "17:00 Mon" {
		t.Errorf("due %s", due)
	}
	if risk := c.AtRiskAt(cal).In(loc).Format("15:04"); risk != "15:24" {
		t.Errorf("at risk at %s (80%% of 8h is 6h24m)", risk)
	}
	for at, want := range map[string]State{"15:00": OnTrack, "15:30": AtRisk, "16:59": AtRisk, "17:00": Breached, "17:30": Breached, "Tue 09:30": Breached} {
		now := start
		if at == "Tue 09:30" {
			now = start.Add(24*time.Hour + 30*time.Minute)
		} else {
			hm, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-01 "+at, loc)
			now = hm
		}
		if got := c.State(cal, now); got != want {
			t.Errorf("%s: %s, want %s", at, got, want)
		}
	}
	// Waiting on the customer from 10:00 to Tuesday 10:00 pauses the clock.
	c.Pause(start.Add(time.Hour))
	if got := c.State(cal, start.Add(30*time.Hour)); got != OnTrack {
		t.Errorf("paused clock: %s", got)
	}
	c.Resume(cal, start.Add(25*time.Hour))
	if c.Paused != 8*time.Hour {
		t.Errorf("paused %v of business time, want 8h", c.Paused)
	}
	if due := c.Due(cal).In(loc).Format("15:04 Mon"); due != "17:00 Tue" {
		t.Errorf("due after the pause %s", due)
	}
	c.Stop(cal, start.Add(26*time.Hour))
	if got := c.State(cal, start.AddDate(0, 0, 7)); got != Met {
		t.Errorf("stopped within target: %s", got)
	}
}

func TestCalendarSpecs(t *testing.T) {
	c, err := DefaultSpec("Europe/Berlin").Compile()
	if err != nil || c.Location.String() != "Europe/Berlin" || len(c.Week[time.Monday]) != 1 || len(c.Week[time.Sunday]) != 0 {
		t.Fatalf("%v %+v", err, c)
	}
	for _, bad := range []CalendarSpec{
		{TimeZone: "Mars/Olympus", Hours: map[string]string{"monday": "09:00-17:00"}},
		{TimeZone: "UTC", Hours: map[string]string{}},
		{TimeZone: "UTC", Hours: map[string]string{"funday": "09:00-17:00"}},
		{TimeZone: "UTC", Hours: map[string]string{"monday": "17:00-09:00"}},
		{TimeZone: "UTC", Hours: map[string]string{"monday": "09:00-17:00"}, Holidays: []string{"25.12.2026"}},
	} {
		if _, err := bad.Compile(); err == nil {
			t.Errorf("%+v compiled", bad)
		}
	}
}
