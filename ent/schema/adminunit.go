package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"hoctap/internal/schemadoc"
)

// AdminUnit is one unit of the administrative hierarchy: a province, a
// district, a commune or a village. Units are closed (validTo), never deleted,
// so that old campaigns keep reporting on the tree as it stood.
type AdminUnit struct{ ent.Schema }

// Mixin of the AdminUnit.
func (AdminUnit) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, ClientMixin{}}
}

// Fields of the AdminUnit.
func (AdminUnit) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			NotEmpty().MaxLen(16).
			Comment("Official code of the national catalogue: 2 digits for a province, 3 for a district, 5 for a commune. Merged units may reuse an old code, so codes are unique only at a given date.").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			NotEmpty().MaxLen(200).
			Comment("Official name with its type, e.g. \"Huyện Đông Hưng\" (Đông Hưng district)."),
		sortKey("name", "NAME"),
		field.Enum("level").
			Values("COUNTRY", "PROVINCE", "DISTRICT", "COMMUNE", "VILLAGE").
			Comment("Tier of the unit; the one COUNTRY unit is the root. After the 2025 reform provinces have communes directly below them, so clients should walk parent/children rather than assume four tiers.").
			Annotations(entgql.OrderField("LEVEL"), schemadoc.Enum{
				Type: "The tier of an administrative unit. Until 30/6/2025 the tree had four tiers below the country (province, district, commune, village); since the reform of 1/7/2025 the district tier is abolished and communes sit directly under provinces. Levels are data: walk parent and children rather than assume a fixed depth.",
				Values: map[string]string{
					"COUNTRY":  "The country (Việt Nam): the one root of the tree.",
					"PROVINCE": "Cấp tỉnh (province level): tỉnh (province) or thành phố trực thuộc trung ương (centrally-run city). Official code: 2 digits.",
					"DISTRICT": "Cấp huyện (district level): huyện (rural district), quận (urban district), thị xã (town) or thành phố thuộc tỉnh (provincial city). Official code: 3 digits. Abolished on 1/7/2025: such units remain, closed, for the history of older campaigns.",
					"COMMUNE":  "Cấp xã (commune level): xã (commune), phường (ward), thị trấn (township; before 1/7/2025) or đặc khu (special zone). Official code: 5 digits.",
					"VILLAGE":  "Below the commune, not a formal administrative tier: thôn (village), làng, ấp, bản, tổ dân phố (residential group) and the like. It is the learning community (Cộng đồng học tập cấp thôn) of its commune.",
				},
			}),
		field.String("type").
			NotEmpty().MaxLen(64).
			Comment("Official type in Vietnamese: Tỉnh (province), Thành phố (city), Huyện (rural district), Quận (urban district), Thị xã (town), Xã (commune), Phường (ward), Thị trấn (township), Đặc khu (special zone), Thôn (village), Tổ dân phố (residential group), …"),
		field.Bool("disadvantaged").
			Default(false).
			Comment("Mountainous, remote or especially disadvantaged area; lower national targets apply."),
		field.Time("valid_from").
			Optional().Nillable().
			Comment("First day the unit exists; null when older than the records."),
		field.Time("valid_to").
			Optional().Nillable().
			Comment("Last day the unit exists; null while it is current."),
		field.Int("parent_id").
			Optional().Nillable().
			Comment("The unit directly above; null for a province.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.Int("merged_into_id").
			Optional().Nillable().
			Comment("The unit this one became when it was merged.").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput)),
		field.String("path").
			Default("").
			Comment("Materialised path of ids from the root, \"/1/7/42/\", so a subtree is a prefix match on an index.").
			Annotations(
				entgql.Skip(entgql.SkipAll),
			),
		field.String("predecessors").
			Default("").
			Comment("The closed units whose records this unit inherits, space-separated (see internal/history): the path of a unit taken over whole, \"=\" and the path of one taken over in part. Set by reorganisations.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("depth").
			Default(0).
			Comment("Number of units above this one.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the AdminUnit.
func (AdminUnit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", AdminUnit.Type).
			Comment("Units directly below this one.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			From("parent").
			Field("parent_id").
			Unique().
			Comment("The unit directly above; null for a province."),
		edge.To("merged_from", AdminUnit.Type).
			Comment("Units that were merged into this one.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			From("merged_into").
			Field("merged_into_id").
			Unique().
			Comment("The unit this one became when it was merged."),
		edge.To("learning_units", LearningUnit.Type).
			Comment("Households, clans, organisations, citizens and communities that belong to this unit directly.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("users", User.Type).
			Comment("Accounts whose scope is this unit.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the AdminUnit.
func (AdminUnit) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("code"),
		index.Fields("parent_id"),
		index.Fields("merged_into_id"),
		index.Fields("path").Annotations(patternOps),
		// A report's area categories: the disadvantaged communes under a
		// unit (progress.disadvantagedCommunes). Without it a province's
		// report read every unit under its path to find them: half of the
		// report's time.
		index.Fields("level", "disadvantaged", "path").Annotations(entsql.OpClassColumn("path", "text_pattern_ops")),
	}
}

// Annotations of the AdminUnit.
func (AdminUnit) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		schema.Comment("A unit of the administrative hierarchy (province, district, commune, village). Closed units stay, with validTo and mergedInto, so history can be reported."),
	}
}

// patternOps makes a PostgreSQL btree serve LIKE 'prefix%' whatever the
// database collation; SQLite ignores it and matches prefixes with GLOB.
var patternOps = entsql.OpClass("text_pattern_ops")

// entsqlOpClassColumn gives one column of a composite index the
// text_pattern_ops operator class on PostgreSQL (see patternOps).
func entsqlOpClassColumn(column string) schema.Annotation {
	return entsql.OpClassColumn(column, "text_pattern_ops")
}
