// Package domain holds the marketplace's types and rules: the code lists clients rely on, money,
// list filters and cursors. It knows nothing of HTTP or SQL.
package domain

import "slices"

// CodeSet is a fixed, ordered list of codes (sector codes, incentive types …). Its order is the
// order in which labels are listed to people.
type CodeSet struct {
	Name  string // the message-id prefix of its labels in locales/, e.g. "sector"
	Codes []string
}

// Has reports whether code is one of the set.
func (s CodeSet) Has(code string) bool { return slices.Contains(s.Codes, code) }

// The code lists of DESIGN.md ("Codes and payloads"). The database CHECKs the same lists.
var (
	Sectors = CodeSet{"sector", []string{"tourism", "blue_economy", "renewable_energy", "agribusiness",
		"ict", "creative_industries", "real_estate", "transport_logistics", "health", "education",
		"manufacturing", "commerce", "financial_services"}}
	IncentiveTypes = CodeSet{"incentive_type", []string{"tax", "customs", "financing", "land", "residency", "other"}}
	ProgrammeTypes = CodeSet{"programme_type", []string{"financing", "guarantee", "grant",
		"technical_assistance", "training", "incubation", "reintegration"}}
	Instruments = CodeSet{"instrument", []string{"equity", "debt", "joint_venture",
		"public_private_partnership", "concession", "greenfield", "acquisition"}}
	InvestorTypes = CodeSet{"investor_type", []string{"diaspora", "foreign", "national"}}
	Statuses      = CodeSet{"status", []string{"draft", "in_review", "published", "archived"}}
	RegionKinds   = CodeSet{"region_kind", []string{"island", "province", "state", "region", "department", "district"}}
	OrgTypes      = CodeSet{"organization_type", []string{"investment_promotion_agency", "ministry",
		"development_bank", "chamber", "diaspora_association", "private_promoter", "ngo",
		"public_agency", "financial_institution", "international_organization"}}
	BenefitKinds = CodeSet{"benefit_kind", []string{"tax_credit", "tax_exemption", "tax_reduction",
		"duty_exemption", "grant", "loan", "guarantee", "interest_subsidy", "land", "residency", "other"}}
	Taxes = CodeSet{"tax", []string{"irpc", "irps", "iur", "iup", "vat", "import_duty",
		"stamp_duty", "property_transfer", "income_tax", "other"}}
	AuditActions = CodeSet{"audit_action", []string{"create", "update", "translate", "delete_translation",
		"submit", "publish", "reject", "archive", "delete", "verify", "unverify", "add_member", "remove_member",
		"invite", "revoke_invitation", "change_role", "import", "review_translation"}}
	InvitationStatuses = CodeSet{"invitation_status", []string{"pending", "accepted", "declined", "revoked", "expired"}}
	MemberRoles        = CodeSet{"member_role", []string{"owner", "member"}}
	InterestStatuses   = CodeSet{"interest_status", []string{"sent", "read", "answered", "closed"}}
	FactMetrics        = CodeSet{"fact_metric", []string{"diaspora_size", "resident_population",
		"remittances_gdp_share", "remittances_volume", "residence_country_diaspora",
		"remittances_by_residence_country", "remittances_by_municipality", "emigrant_deposits_share"}}
)
