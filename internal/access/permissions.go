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
	MoveContact       Action = "move contacts to another account"
	LogInteraction    Action = "log interactions"
	EditInteraction   Action = "edit or delete interactions"
	OpenCase          Action = "open cases"
	WorkCases         Action = "work cases: assign, move, resolve, close"
	CommentCases      Action = "comment on cases"
	EditSLA           Action = "edit the service calendar and SLA policy"
	ReadAudit         Action = "read the audit trail"
	ReadTeam          Action = "see how the service team stands"
	ManageUsers       Action = "manage users"
	CreateOwnToken    Action = "create API tokens for themselves"
	ManageOtherTokens Action = "manage other users' tokens"
	// Service policies: everyone reads them (ReadRecords); managers write them.
	EditServicePolicies Action = "write service policies"
	// Promises to customers: made and kept by everyone who talks to
	// customers; changed, broken or cancelled by their maker or a manager.
	MakePromises    Action = "make and keep promises"
	EditPromises    Action = "edit, break or cancel promises"
	SetPromiseGrace Action = "set the grace periods of overdue promises"
	// A promise a block policy refuses may still be recorded by a manager,
	// as an exception with a reason.
	ExceptPolicies Action = "record a promise as an exception to a block policy"
)

// Actions on goodwill and promotions.
const (
	RequestGoodwill   Action = "grant or request goodwill"
	ApproveGoodwill   Action = "approve or reject others' goodwill"
	SetGoodwillLimits Action = "set the goodwill approval limits"
	EditPromotions    Action = "create and edit promotions"
)

// Actions on deals and the pipeline.
const (
	EditDeals     Action = "create, edit and move deals"
	StartDeals    Action = "start a deal from a case for the account's owner"
	SetPipeline   Action = "set the pipeline's stages"
	ReadDealsTeam Action = "see the pipeline reports"
)

// Actions on products and orders (everyone reads them with ReadRecords).
const (
	EditProducts Action = "create and edit products"
	RecordOrders Action = "record orders and move them to shipped, delivered, returned or cancelled"
)

// Actions on tasks (everyone reads an account's tasks and their own with
// ReadRecords).
const (
	CreateTasks   Action = "create tasks, for themselves or for anyone"
	EditTasks     Action = "change, complete, reopen or cancel tasks"
	ReadTeamTasks Action = "see anyone's task list"
)

// Actions on competitors and the share of wallet (everyone reads them
// with ReadRecords).
const (
	EditCompetitors Action = "keep the competitors list"
	EstimateWallet  Action = "estimate a customer's total spend in our category"
)

// Actions on surveys (everyone reads templates and answers with
// ReadRecords).
const (
	EditSurveys      Action = "create and edit survey templates and set the follow-up triggers"
	SendSurveys      Action = "send a survey"
	RecordAnswers    Action = "record a customer's answers to a follow-up or survey"
	RotateSurveyKeys Action = "rotate the keys that sign survey links"
)

// Actions on survey scores. Everyone reads one account's scores with
// ReadRecords; the scores across accounts are the managers', and sales and
// service see those of their own accounts.
const (
	ReadScores Action = "see survey scores across accounts, owners and teams"
)

// Grant is one row of the permission table: who may do an action, whether
// a role listed in Own may do it only on what they own or wrote, and the
// token scope the action needs (a browser session has every scope).
type Grant struct {
	Action Action
	Roles  []Role
	Own    []Role
	Scope  Scope
}

// Table is the permission table; the docs are rendered from it.
var Table = []Grant{
	{ReadRecords, []Role{Admin, Manager, Sales, Service}, nil, ScopeRead},
	{CreateAccount, []Role{Admin, Manager, Sales}, nil, ScopeWrite},
	{EditAccount, []Role{Admin, Manager}, []Role{Sales}, ScopeWrite},
	{ReassignOwner, []Role{Admin, Manager}, nil, ScopeWrite},
	{DeleteAccount, []Role{Admin, Manager}, nil, ScopeWrite},
	{MergeAccounts, []Role{Admin, Manager}, nil, ScopeWrite},
	{EditContacts, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{DeleteContact, []Role{Admin, Manager}, []Role{Sales}, ScopeWrite},
	// A move takes a contact off one account and puts it on another, so
	// it must be allowed on both: own means the actor owns both accounts.
	{MoveContact, []Role{Admin, Manager}, []Role{Sales}, ScopeWrite},
	{LogInteraction, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{EditInteraction, []Role{Admin, Manager}, []Role{Sales, Service}, ScopeWrite},
	{OpenCase, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{WorkCases, []Role{Admin, Manager, Service}, nil, ScopeWrite},
	{CommentCases, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{EditSLA, []Role{Admin, Manager}, nil, ScopeWrite},
	{ReadAudit, []Role{Admin, Manager}, nil, ScopeRead},
	{ReadTeam, []Role{Admin, Manager}, nil, ScopeRead},
	{ManageUsers, []Role{Admin}, nil, ScopeAdmin},
	{CreateOwnToken, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{ManageOtherTokens, []Role{Admin}, nil, ScopeAdmin},
	{EditServicePolicies, []Role{Admin, Manager}, nil, ScopeWrite},
	{MakePromises, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{EditPromises, []Role{Admin, Manager}, []Role{Sales, Service}, ScopeWrite},
	{SetPromiseGrace, []Role{Admin, Manager}, nil, ScopeWrite},
	{ExceptPolicies, []Role{Admin, Manager}, nil, ScopeWrite},
	// Goodwill and promotions (everyone reads them with ReadRecords).
	{RequestGoodwill, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{ApproveGoodwill, []Role{Admin, Manager}, nil, ScopeWrite},
	{SetGoodwillLimits, []Role{Admin}, nil, ScopeAdmin},
	{EditPromotions, []Role{Admin, Manager}, nil, ScopeWrite},
	// Deals: sales work their own, managers everyone's; service starts
	// them from cases for the account's owner.
	{EditDeals, []Role{Admin, Manager}, []Role{Sales}, ScopeWrite},
	{StartDeals, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{SetPipeline, []Role{Admin, Manager}, nil, ScopeWrite},
	{ReadDealsTeam, []Role{Admin, Manager}, nil, ScopeRead},
	// Products and orders.
	{EditProducts, []Role{Admin, Manager}, nil, ScopeWrite},
	{RecordOrders, []Role{Admin, Manager, Sales}, nil, ScopeWrite},
	{ReadScores, []Role{Admin, Manager}, []Role{Sales, Service}, ScopeRead},
	// Tasks: everyone adds them, for anyone; sales and service change and
	// complete those they own or created, managers everyone's.
	{CreateTasks, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{EditTasks, []Role{Admin, Manager}, []Role{Sales, Service}, ScopeWrite},
	{ReadTeamTasks, []Role{Admin, Manager}, nil, ScopeRead},
	// Competitors and the share of wallet: sales estimate their own
	// accounts' spend.
	{EditCompetitors, []Role{Admin, Manager}, nil, ScopeWrite},
	{EstimateWallet, []Role{Admin, Manager}, []Role{Sales}, ScopeWrite},
	// Surveys: managers keep the templates and triggers; everyone sends
	// them; sales and service record the answers to their own follow-ups
	// (the follow-up's or the account's owner, or who sent the survey),
	// managers anyone's; admins rotate the signing keys.
	{EditSurveys, []Role{Admin, Manager}, nil, ScopeWrite},
	{SendSurveys, []Role{Admin, Manager, Sales, Service}, nil, ScopeWrite},
	{RecordAnswers, []Role{Admin, Manager}, []Role{Sales, Service}, ScopeWrite},
	{RotateSurveyKeys, []Role{Admin}, nil, ScopeAdmin},
}

func grant(a Action) Grant {
	for _, g := range Table {
		if g.Action == a {
			return g
		}
	}
	return Grant{Action: a, Scope: ScopeAdmin}
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
	if !a.Scope.Covers(g.Scope) {
		return false
	}
	return has(g.Roles, a.User.Role) || (owns && has(g.Own, a.User.Role))
}

// Require is Can as an error a person can read.
func (a Actor) Require(act Action, owns bool) error {
	if a.Can(act, owns) {
		return nil
	}
	if g := grant(act); a.User.Active && !a.Scope.Covers(g.Scope) {
		return fault.Forbiddenf("this token's scope (%s) may not %s; that needs a %s token or a browser session", a.Scope, act, g.Scope)
	}
	return fault.Forbiddenf("your role (%s) may not %s", a.User.Role, act)
}
