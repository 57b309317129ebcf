package repository

// The statements of the export (export.go): a country's whole catalogue in the seed format.
var (
	sqlExportCountry       = statement("export_country", `SELECT code, currency, source_lang FROM countries WHERE code = $1`)
	sqlExportCountryTexts  = statement("export_country_texts", `SELECT lang, name, summary FROM country_translations WHERE country_code = $1`)
	sqlExportRegions       = statement("export_regions", `SELECT code, name, kind FROM regions WHERE country_code = $1 ORDER BY position, code`)
	sqlExportOrganizations = statement("export_organizations", `SELECT slug, name, acronym, type, website, verified
		FROM organizations WHERE country_code = $1 ORDER BY slug`)
	sqlExportIncentives = statement("export_incentives", `SELECT `+itemColumns+`, t.type, t.legal_instrument, t.legal_article,
			t.legal_url, to_char(t.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(t.valid_until, 'YYYY-MM-DD') AS valid_until,
			t.investor_types, t.min_investment::text AS min_investment, t.max_investment::text AS max_investment,
			t.investment_currency, t.min_jobs, t.residence_abroad
		FROM incentives t JOIN organizations o ON o.id = t.organization_id
		WHERE t.country_code = $1 ORDER BY t.slug`)
	sqlExportBenefits = statement("export_benefits", `SELECT b.incentive_id, b.kind, b.tax, b.percent::text AS percent,
			b.cap_percent_of_tax::text AS cap_percent_of_tax, b.duration_years, b.amount::text AS amount, b.currency,
			b.rate::text AS rate, b.min_jobs, b.carry_forward_years, b.unverified
		FROM incentive_benefits b JOIN incentives t ON t.id = b.incentive_id
		WHERE t.country_code = $1 ORDER BY b.incentive_id, b.position`)
	sqlExportProgrammes = statement("export_programmes", `SELECT `+itemColumns+`, op.slug AS operator, t.type, t.url,
			t.max_amount::text AS max_amount, t.max_amount_currency,
			to_char(t.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(t.valid_until, 'YYYY-MM-DD') AS valid_until,
			t.investor_types, t.min_investment::text AS min_investment, t.max_investment::text AS max_investment,
			t.investment_currency, t.min_jobs, t.residence_abroad
		FROM programmes t JOIN organizations o ON o.id = t.organization_id JOIN organizations op ON op.id = t.operator_id
		WHERE t.country_code = $1 ORDER BY t.slug`)
	sqlExportOpportunities = statement("export_opportunities", `SELECT `+itemColumns+`, t.region_code, t.instrument,
			t.min_investment::text AS min_investment, t.max_investment::text AS max_investment, t.currency, t.jobs,
			to_char(t.deadline, 'YYYY-MM-DD') AS deadline, t.investor_types,
			t.contact_name, t.contact_email, t.contact_phone, t.contact_url
		FROM opportunities t JOIN organizations o ON o.id = t.organization_id
		WHERE t.country_code = $1 ORDER BY t.slug`)
	sqlExportOpportunityIncentives = statement("export_opportunity_incentives", `SELECT l.opportunity_id AS id, i.slug AS code FROM opportunity_incentives l
		JOIN opportunities t ON t.id = l.opportunity_id JOIN incentives i ON i.id = l.incentive_id WHERE t.country_code = $1`)
	sqlExportOpportunityProgrammes = statement("export_opportunity_programmes", `SELECT l.opportunity_id AS id, p.slug AS code FROM opportunity_programmes l
		JOIN opportunities t ON t.id = l.opportunity_id JOIN programmes p ON p.id = l.programme_id WHERE t.country_code = $1`)
	sqlExportOrganizationRef = statement("export_organization_ref", `SELECT id, name, verified FROM organizations WHERE slug = $1 OR id::text = $1`)
	sqlExportIncentiveTexts  = statement("export_incentive_texts", `SELECT x.incentive_id AS id, x.lang, x.name, '' AS title, x.summary, x.description, '' AS how_to_apply
		FROM incentive_translations x JOIN incentives t ON t.id = x.incentive_id
		WHERE t.country_code = $1`)
	sqlExportProgrammeTexts = statement("export_programme_texts", `SELECT x.programme_id AS id, x.lang, x.name, '' AS title, x.summary, x.description, x.how_to_apply
		FROM programme_translations x JOIN programmes t ON t.id = x.programme_id
		WHERE t.country_code = $1`)
	sqlExportOpportunityTexts = statement("export_opportunity_texts", `SELECT x.opportunity_id AS id, x.lang, '' AS name, x.title, x.summary, x.description, '' AS how_to_apply
		FROM opportunity_translations x JOIN opportunities t ON t.id = x.opportunity_id
		WHERE t.country_code = $1`)
)

// exportCodesSQL are the statements that read the sectors and regions (the kinds scoped to
// regions) of a country's items of one kind, as item id and code.
type exportCodesSQL struct{ sectors, regions string }

func exportCodesOf(k kindSpec) exportCodesSQL {
	s := exportCodesSQL{sectors: statement("export_"+k.singular+"_sectors", k.fill(`
		SELECT s.{kind}_id AS id, s.sector_code AS code FROM {kind}_sectors s
		JOIN {table} t ON t.id = s.{kind}_id WHERE t.country_code = $1`))}
	if k.scoped {
		s.regions = statement("export_"+k.singular+"_regions", k.fill(`
		SELECT {kind}_id AS id, region_code AS code FROM {kind}_regions WHERE country_code = $1`))
	}
	return s
}

var (
	opportunityExportSQL = exportCodesOf(opportunitySpec)
	incentiveExportSQL   = exportCodesOf(incentiveSpec)
	programmeExportSQL   = exportCodesOf(programmeSpec)
)
