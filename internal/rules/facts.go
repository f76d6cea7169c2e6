package rules

import "time"

// DueInDays counts the calendar days from the day of now to the day of
// due, both in loc: 0 when due today, 1 tomorrow, negative when past.
// Days are counted on the calendar, so a change of daylight saving time
// does not shift them.
func DueInDays(now, due time.Time, loc *time.Location) int64 {
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) int64 {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	return day(due) - day(now)
}
