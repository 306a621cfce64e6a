package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/internal/schemadoc"
)

// NationalTarget is one national target of a programme period: the share of
// eligible units to recognise for a title, in general or disadvantaged
// areas, with the decision it comes from. The table is seeded at migrate
// with DOMAIN.md's values and edited by ADMIN; a campaign keeps a copy of
// the targets of its year (Campaign.national_targets), so an edit never
// changes a campaign already opened.
type NationalTarget struct{ ent.Schema }

// Mixin of the NationalTarget.
func (NationalTarget) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}}
}

// Fields of the NationalTarget.
func (NationalTarget) Fields() []ent.Field {
	return []ent.Field{
		titleField(entgql.OrderField("TITLE")),
		field.Int("period").
			Immutable().Min(2000).Max(2100).
			Comment("Target year of the programme period: 2020 (the Prime Minister's decision, quyết định, QĐ 281/QĐ-TTg), 2025 (QĐ 387/QĐ-TTg, QĐ 677/QĐ-TTg), 2030 (QĐ 677/QĐ-TTg).").
			Annotations(entgql.OrderField("PERIOD")),
		field.Enum("area").
			Values("GENERAL", "DISADVANTAGED").
			Immutable().
			Comment("GENERAL, or DISADVANTAGED for communes flagged mountainous, remote or especially disadvantaged.").
			Annotations(schemadoc.Enum{
				Type: "The kind of area a national target is for. A commune and its villages take the target of the commune's area; a district or province weighs the two by the share of its eligible units in disadvantaged communes.",
				Values: map[string]string{
					"GENERAL":       "Communes not flagged disadvantaged; also the target of a disadvantaged area that has none of its own.",
					"DISADVANTAGED": "Vùng khó khăn: communes flagged mountainous, remote or especially disadvantaged (AdminUnit.disadvantaged), for which QĐ 281/QĐ-TTg set lower targets.",
				},
			}),
		field.String("subtype").
			Default("").Immutable().
			Comment("Organisation subtype the target is for; empty for all.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Float("rate").
			Optional().Nillable().Min(0).Max(1).
			Comment("Share of eligible units to recognise, 0 to 1; null while not confirmed (the latest earlier period's rate then applies)."),
		field.String("source").
			NotEmpty().MaxLen(200).
			Comment("The decision the target comes from, e.g. \"QĐ 387/QĐ-TTg ngày 25/3/2022\" (the Prime Minister's decision 387 of 25/3/2022)."),
		field.String("note").
			Default("").MaxLen(1000).
			Comment("Remarks, e.g. what the rate counts."),
	}
}

// Indexes of the NationalTarget.
func (NationalTarget) Indexes() []ent.Index {
	return []ent.Index{index.Fields("period", "title", "area", "subtype").Unique()}
}

// Annotations of the NationalTarget.
func (NationalTarget) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField("nationalTargets").Description("The national targets (chỉ tiêu quốc gia) of every programme period, readable by every signed-in account; ADMIN edits them with updateNationalTarget."),
		schema.Comment("A national target of a programme period, with its source document; edited by ADMIN, copied onto each new campaign."),
	}
}
