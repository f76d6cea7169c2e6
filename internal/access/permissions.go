package access

import "tandem/internal/fault"

// Action is something a user may or may not do.
type Action string

const (
	ReadRecords       Action = "read records"
	CreateAccount     Action = "create accounts"
	EditAccount       Action = "edit accounts"
	ReassignOwner     Action = "reassign account owners"
	DeleteAccount     Action = "delete accounts"
	MergeAccounts     Action = "merge accounts"
	EditContacts      Action = "create and edit contacts"
	DeleteContact     Action = "delete contacts"
	LogInteraction    Action = "log interactions"
	EditInteraction   Action = "edit or delete interactions"
	OpenCase          Action = "open cases"
	WorkCases         Action = "work cases: assign, move, resolve, close"
	CommentCases      Action = "comment on cases"
	EditSLA           Action = "edit the service calendar and SLA policy"
	ReadAudit         Action = "read the audit trail"
	ManageUsers       Action = "manage users"
	CreateOwnToken    Action = "create API tokens for themselves"
	ManageOtherTokens Action = "manage other users' tokens"
)

// Grant is one row of the permission table: who may do an action, and
// whether a role listed in Own may do it only on what they own or wrote.
type Grant struct {
	Action Action
	Roles  []Role
	Own    []Role
}

// Table is the permission table; the docs are rendered from it.
var Table = []Grant{
	{ReadRecords, []Role{Admin, Manager, Sales, Service}, nil},
	{CreateAccount, []Role{Admin, Manager, Sales}, nil},
	{EditAccount, []Role{Admin, Manager}, []Role{Sales}},
	{ReassignOwner, []Role{Admin, Manager}, nil},
	{DeleteAccount, []Role{Admin, Manager}, nil},
	{MergeAccounts, []Role{Admin, Manager}, nil},
	{EditContacts, []Role{Admin, Manager, Sales, Service}, nil},
	{DeleteContact, []Role{Admin, Manager}, []Role{Sales}},
	{LogInteraction, []Role{Admin, Manager, Sales, Service}, nil},
	{EditInteraction, []Role{Admin, Manager}, []Role{Sales, Service}},
	{OpenCase, []Role{Admin, Manager, Sales, Service}, nil},
	{WorkCases, []Role{Admin, Manager, Service}, nil},
	{CommentCases, []Role{Admin, Manager, Sales, Service}, nil},
	{EditSLA, []Role{Admin, Manager}, nil},
	{ReadAudit, []Role{Admin, Manager}, nil},
	{ManageUsers, []Role{Admin}, nil},
	{CreateOwnToken, []Role{Admin, Manager, Sales, Service}, nil},
	{ManageOtherTokens, []Role{Admin}, nil},
}

func grant(a Action) Grant {
	for _, g := range Table {
		if g.Action == a {
			return g
		}
	}
	return Grant{Action: a}
}

func has(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Can reports whether the actor may do the action; owns says whether the
// thing acted on is the actor's own (the account they own, the note they wrote).
func (a Actor) Can(act Action, owns bool) bool {
	if !a.User.Active {
		return false
	}
	g := grant(act)
	return has(g.Roles, a.User.Role) || (owns && has(g.Own, a.User.Role))
}

// Require is Can as an error a person can read.
func (a Actor) Require(act Action, owns bool) error {
	if a.Can(act, owns) {
		return nil
	}
	return fault.Forbiddenf("your role (%s) may not %s", a.User.Role, act)
}
