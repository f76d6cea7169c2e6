package app

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/fault"
	"tandem/internal/sla"
	"tandem/internal/store"
)

// Setting keys.
const (
	CalendarKey = "calendar"
	PolicyKey   = "policy"
)

// settingsTTL is how long a process keeps the SLA settings before reading
// them again, so that every process follows a change within seconds.
const settingsTTL = 5 * time.Second

type slaSettings struct {
	mu       sync.Mutex
	fixed    bool // set by options: never read from the database
	loadedAt time.Time
	calendar sla.Calendar
	policy   cases.Policy
	zone     string
}

// sla returns the service calendar and policy in force.
func (a *App) sla() (sla.Calendar, cases.Policy) {
	s := a.settings
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fixed || time.Since(s.loadedAt) < settingsTTL {
		return s.calendar, s.policy
	}
	ctx := context.Background()
	if spec, _, err := a.calendarSpec(ctx); err == nil {
		if c, err := spec.Compile(); err == nil {
			s.calendar = c
		}
	}
	if spec, _, err := a.policySpec(ctx); err == nil {
		if p, err := spec.Compile(); err == nil {
			s.policy = p
		}
	}
	s.loadedAt = time.Now()
	return s.calendar, s.policy
}

// Zone is the team's time zone, the service calendar's: pages show times
// in it and read the times people type in it.
func (a *App) Zone() *time.Location {
	if cal, _ := a.sla(); cal.Location != nil {
		return cal.Location
	}
	return time.UTC
}

func (a *App) calendarSpec(ctx context.Context) (sla.CalendarSpec, store.Setting, error) {
	st, found, err := a.store.Setting(ctx, CalendarKey)
	spec := sla.DefaultSpec(a.settings.zone)
	if err == nil && found {
		err = json.Unmarshal(st.Spec, &spec)
	}
	if !found {
		st.Name = "Office hours"
	}
	return spec, st, err
}

func (a *App) policySpec(ctx context.Context) (cases.PolicySpec, store.Setting, error) {
	st, found, err := a.store.Setting(ctx, PolicyKey)
	spec := cases.DefaultPolicySpec()
	if err == nil && found {
		err = json.Unmarshal(st.Spec, &spec)
	}
	if !found {
		st.Name = "Standard service"
	}
	return spec, st, err
}

// CalendarSetting is the service calendar as stored.
type CalendarSetting struct {
	Name    string
	Spec    sla.CalendarSpec
	Version int64 // 0 until first saved
}

// PolicySetting is the SLA policy as stored.
type PolicySetting struct {
	Name    string
	Spec    cases.PolicySpec
	Version int64
}

// Calendar returns the service calendar.
func (a *App) Calendar(ctx context.Context, actor access.Actor) (CalendarSetting, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return CalendarSetting{}, err
	}
	spec, st, err := a.calendarSpec(ctx)
	return CalendarSetting{Name: st.Name, Spec: spec, Version: st.Version}, err
}

// Policy returns the SLA policy.
func (a *App) Policy(ctx context.Context, actor access.Actor) (PolicySetting, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return PolicySetting{}, err
	}
	spec, st, err := a.policySpec(ctx)
	return PolicySetting{Name: st.Name, Spec: spec, Version: st.Version}, err
}

// SaveCalendar replaces the service calendar. Cases opened from now on use
// it, and the open cases' due times are recomputed on it (redueOpenCases):
// the first RedueBatch in this transaction, the rest by a job it enqueues. version is the one the
// caller read (0 for the built-in default), or -1 to skip the check.
func (a *App) SaveCalendar(ctx context.Context, actor access.Actor, in CalendarSetting, version int64) (CalendarSetting, error) {
	if err := actor.Require(access.EditSLA, false); err != nil {
		return CalendarSetting{}, err
	}
	if err := settingProblems(in.Name, func() error { _, err := in.Spec.Compile(); return err }); err != nil {
		return CalendarSetting{}, err
	}
	out, err := a.saveSetting(ctx, actor, CalendarKey, in.Name, in.Spec, version)
	in.Version = out
	return in, err
}

// SavePolicy replaces the SLA policy, as SaveCalendar the calendar: the
// open cases take its targets.
func (a *App) SavePolicy(ctx context.Context, actor access.Actor, in PolicySetting, version int64) (PolicySetting, error) {
	if err := actor.Require(access.EditSLA, false); err != nil {
		return PolicySetting{}, err
	}
	if err := settingProblems(in.Name, func() error { _, err := in.Spec.Compile(); return err }); err != nil {
		return PolicySetting{}, err
	}
	out, err := a.saveSetting(ctx, actor, PolicyKey, in.Name, in.Spec, version)
	in.Version = out
	return in, err
}

// settingProblems is every problem of a setting at once: its name's and
// those compile finds in its spec.
func settingProblems(name string, compile func() error) error {
	var f fault.Fields
	if name = strings.TrimSpace(name); name == "" || len(name) > 100 {
		f.Add("name", "give it a name under 100 characters")
	}
	if err := compile(); err != nil {
		e, ok := fault.As(err)
		if !ok || e.Kind != fault.Invalid {
			return err
		}
		f = append(f, e.Fields...)
	}
	return f.Err()
}

func (a *App) saveSetting(ctx context.Context, actor access.Actor, key, name string, spec any, version int64) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return 0, (&fault.Fields{{Field: "name", Message: "give it a name under 100 characters"}}).Err()
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return 0, err
	}
	var saved int64
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, _, err := tx.Setting(ctx, key)
		if err != nil {
			return err
		}
		if version < -1 || (version >= 0 && version != cur.Version) {
			return fault.StaleVersion(key)
		}
		now := a.Now()
		if err := tx.SaveSetting(ctx, store.Setting{Key: key, Name: name, Spec: b, UpdatedAt: now}, cur.Version); err != nil {
			return err
		}
		saved = cur.Version + 1
		if err := a.record(ctx, tx, actor, now, change{kind: "sla." + key + "_changed", subjectType: "sla_" + key, subjectID: key, offTimeline: true,
			before: json.RawMessage(cur.Spec), after: json.RawMessage(b)}); err != nil {
			return err
		}
		return a.redueOpenCases(ctx, tx)
	})
	if err == nil {
		a.settings.mu.Lock()
		a.settings.loadedAt = time.Time{} // this process follows at once
		a.settings.mu.Unlock()
	}
	return saved, err
}
