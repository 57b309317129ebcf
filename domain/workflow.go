package domain

// The content workflow: draft → in_review → published → archived, and back to draft from
// review when rejected. This file holds who may do what to which item, with no HTTP and no SQL,
// so that every route asks the same question and one table test covers the answers.

// Workflow statuses of content.
const (
	StatusDraft     = "draft"
	StatusInReview  = "in_review"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// Action is something a user asks to do to a content item.
type Action string

// The actions on content.
const (
	ActionView      Action = "view"      // read it, whatever its status
	ActionEdit      Action = "edit"      // change its language-neutral fields or text
	ActionTranslate Action = "translate" // write a translation
	// ActionDeleteTranslation removes one language; who may do it is who may translate.
	ActionDeleteTranslation Action = "delete_translation"
	ActionDelete            Action = "delete"
	ActionSubmit            Action = "submit"
	ActionPublish           Action = "publish"
	ActionReject            Action = "reject"
	ActionArchive           Action = "archive"
	ActionHistory           Action = "history" // read its audit trail
)

// Transitions maps each workflow action to the status it starts from and the one it ends in.
var Transitions = map[Action]struct{ From, To string }{
	ActionSubmit:  {StatusDraft, StatusInReview},
	ActionPublish: {StatusInReview, StatusPublished},
	ActionReject:  {StatusInReview, StatusDraft},
	ActionArchive: {StatusPublished, StatusArchived},
}

// Decision is the answer to "may this user do that to this item?".
type Decision int

// The decisions, each with its HTTP answer in the api package.
const (
	Allowed       Decision = iota
	Hidden                 // the user may not know the item exists: 404
	Forbidden              // the item is public, but not theirs to change: 403
	NotVerified            // their organization may draft but not publish until verified: 403
	WrongStatus            // not in a status this action applies to: 409
	AdminOnly              // an administrator's action: 403
	OtherCountry           // members post only for their organization's country: 403
	NotAMember             // the user belongs to no organization that may post here: 403
	LastOwner              // an organization keeps at least one owner: 409
	RequiresOwner          // only an owner (or an administrator) may do this: 403
	// IdentityNeedsAdmin: a verified organization's name, acronym and website are what the
	// verification vouches for; only an administrator changes them: 403.
	IdentityNeedsAdmin
)

// Membership is a user's place in one organization.
type Membership struct {
	Role     string // owner or member
	Country  string // the organization's country ("" for international organizations)
	Verified bool
}

// Actor is the signed-in user asking, with their memberships by organization id.
type Actor struct {
	UserID string
	Admin  bool
	Orgs   map[string]Membership
}

// Owned is what the rules need to know of a content item.
type Owned struct {
	OrgID       string
	OrgVerified bool
	Country     string
	Status      string
}

// Public says whether anyone may read content in this status.
func Public(status string) bool { return status == StatusPublished }

// Decide answers whether a may do action to item. Visibility comes first (a draft of another
// organization does not exist for the asker), then the right to change (a public item of
// another organization is forbidden), then the status the action needs.
func Decide(a Actor, action Action, item Owned) Decision {
	m, member := a.Orgs[item.OrgID]
	if !a.Admin && !member && !Public(item.Status) {
		return Hidden
	}
	if action == ActionView {
		return Allowed
	}
	if !a.Admin && (!member || (m.Country != "" && m.Country != item.Country)) {
		return Forbidden
	}
	switch action {
	case ActionHistory:
		return Allowed
	case ActionEdit, ActionTranslate, ActionDeleteTranslation:
		if item.Status == StatusArchived {
			return WrongStatus
		}
		return Allowed
	case ActionDelete:
		if item.Status != StatusDraft {
			return WrongStatus
		}
		return Allowed
	case ActionReject:
		if !a.Admin {
			return AdminOnly
		}
	case ActionPublish:
		if !a.Admin && !item.OrgVerified {
			return NotVerified
		}
	}
	t, ok := Transitions[action]
	if !ok {
		return Forbidden
	}
	if item.Status != t.From {
		return WrongStatus
	}
	return Allowed
}

// DecideCreate answers whether a may post content for country in the name of organization
// orgID (whose own country is orgCountry, "" for an international organization).
func DecideCreate(a Actor, orgID, orgCountry, country string) Decision {
	if orgCountry != "" && orgCountry != country {
		return OtherCountry
	}
	if a.Admin {
		return Allowed
	}
	if _, member := a.Orgs[orgID]; !member {
		return NotAMember
	}
	return Allowed
}

// OrgAction is something a user asks to do to an organization.
type OrgAction string

// The actions on organizations.
const (
	OrgView          OrgAction = "view"
	OrgEdit          OrgAction = "edit"
	OrgListMembers   OrgAction = "list_members"
	OrgManageMembers OrgAction = "manage_members"
	OrgVerify        OrgAction = "verify"
	OrgInbox         OrgAction = "inbox"   // read and answer expressions of interest
	OrgContent       OrgAction = "content" // list its content in every status, read its history
)

// DecideOrg answers whether a may do action to the organization orgID. Unverified
// organizations are visible to their members and administrators only.
func DecideOrg(a Actor, action OrgAction, orgID string, verified bool) Decision {
	m, member := a.Orgs[orgID]
	if !a.Admin && !member && !verified {
		return Hidden
	}
	switch action {
	case OrgView:
		return Allowed
	case OrgVerify:
		if !a.Admin {
			return AdminOnly
		}
		return Allowed
	case OrgEdit, OrgManageMembers:
		if a.Admin || (member && m.Role == RoleOwner) {
			return Allowed
		}
		if member {
			return RequiresOwner
		}
		return Forbidden
	}
	if a.Admin || member {
		return Allowed
	}
	return Forbidden
}

// Roles of organization members.
const (
	RoleOwner  = "owner"
	RoleMember = "member"
)

// Interest statuses: sent → read → answered, and closed from any of them.
const (
	InterestSent     = "sent"
	InterestRead     = "read"
	InterestAnswered = "answered"
	InterestClosed   = "closed"
)

// InterestMove answers whether an interest in status from may be moved to status to by the
// agency (byAgency) or by the investor who sent it. The agency reads, answers and closes; the
// investor may only withdraw (close) their own. Answering again replaces the reply.
func InterestMove(from, to string, byAgency bool) Decision {
	if from == InterestClosed {
		return WrongStatus
	}
	if !byAgency {
		if to != InterestClosed {
			return Forbidden
		}
		return Allowed
	}
	switch to {
	case InterestRead:
		if from != InterestSent && from != InterestRead {
			return WrongStatus
		}
	case InterestAnswered, InterestClosed:
	default:
		return WrongStatus
	}
	return Allowed
}
