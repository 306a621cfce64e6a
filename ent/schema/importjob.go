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

// ImportJob is one uploaded list on its way in: checked first (a dry run
// that writes nothing), then applied once. It lives in the database, with
// its file (ImportChunk), so that the replica that answers the console's
// poll or the apply need not be the one that took the upload, and so that
// what a job did outlives the process that ran it.
type ImportJob struct{ ent.Schema }

// Mixin of the ImportJob.
func (ImportJob) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}}
}

// Fields of the ImportJob.
func (ImportJob) Fields() []ent.Field {
	return []ent.Field{
		field.String("file_name").
			MaxLen(255).
			Comment("The file's name as uploaded."),
		field.Int64("file_size").
			NonNegative().
			Comment("The file's size in bytes."),
		field.String("sha256").
			MaxLen(64).
			Comment("Hex SHA-256 of the file's bytes, as audited."),
		field.String("kind").
			Optional().MaxLen(40).
			Comment("The kind of list asked for (households, citizens, clans, organisations, …); empty when the workbook's sheet names decide."),
		field.Enum("status").
			Values("CHECKING", "CHECKED", "APPLYING", "APPLIED", "FAILED").
			Default("CHECKING").
			Comment("Where the job is: checked first, applied once.").
			Annotations(schemadoc.Enum{
				Type: "Where an import is: every file is checked (a dry run) before it may be applied, once.",
				Values: map[string]string{
					"CHECKING": "The file is being read and checked; nothing is written.",
					"CHECKED":  "Checked: the report says what applying would do. It may now be applied (with skipRefused when rows are refused).",
					"APPLYING": "Being written, in one transaction: nothing shows until it ends.",
					"APPLIED":  "Written; the report says what was created and updated.",
					"FAILED":   "Stopped by a fault (a refused file, a machine error, a server that stopped): nothing of the failed step was written; error says why.",
				},
			}),
		field.Bool("skip_refused").
			Default(false).
			Comment("Whether the apply wrote the good rows of a file with refused ones."),
		field.Int("rows_done").
			Default(0).NonNegative().
			Comment("Data rows handled so far by the running step."),
		field.Int("rows_total").
			Optional().Nillable().
			Comment("Data rows of the file, once a check has counted them."),
		field.Bytes("report").
			Optional().
			Comment("The last step's report: an imports.Report as JSON, its messages in both languages.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("error_vi").
			Optional().MaxLen(2000).
			Comment("Why the job failed, in Vietnamese.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("error_en").
			Optional().MaxLen(2000).
			Comment("Why the job failed, in English.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("scope_path").
			Immutable().
			Comment("Materialised path of the importer's scope when it started.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("created_by_id").
			Immutable().
			Comment("Who uploaded the file.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("finished_at").
			Optional().Nillable().
			Comment("When the last step ended."),
	}
}

// Edges of the ImportJob.
func (ImportJob) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Required().Immutable().
			Comment("Who uploaded the file."),
		edge.To("chunks", ImportChunk.Type).
			Comment("The file's bytes.").
			Annotations(entgql.Skip(entgql.SkipAll), entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of the ImportJob.
func (ImportJob) Indexes() []ent.Index {
	return []ent.Index{index.Fields("created_by_id", "created_at")}
}

// Annotations of the ImportJob.
func (ImportJob) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField().Description("The lists the viewer uploaded, being checked or applied, and those they checked or applied before (an ADMIN sees everyone's)."),
		entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
		schema.Comment("An uploaded list (households, citizens, clans, organisations, …) being checked or applied, with its progress and report."),
	}
}

// ImportChunk is a piece of an import's file. The file is kept in pieces
// so that neither writing nor reading it holds it whole in memory, on
// either database.
type ImportChunk struct{ ent.Schema }

// Fields of the ImportChunk.
func (ImportChunk) Fields() []ent.Field {
	return []ent.Field{
		field.Int("import_job_id").Immutable(),
		field.Int("seq").Immutable().NonNegative(),
		field.Bytes("data").Immutable(),
	}
}

// Edges of the ImportChunk.
func (ImportChunk) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("import_job", ImportJob.Type).Ref("chunks").Field("import_job_id").Unique().Required().Immutable(),
	}
}

// Indexes of the ImportChunk.
func (ImportChunk) Indexes() []ent.Index {
	return []ent.Index{index.Fields("import_job_id", "seq").Unique()}
}

// Annotations of the ImportChunk.
func (ImportChunk) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
