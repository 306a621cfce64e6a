package graph

import (
	"context"
	"sync"

	"hoctap/ent"
	"hoctap/graph/model"
	"hoctap/internal/i18n"
	importjobs "hoctap/internal/importjob"
	"hoctap/internal/imports"
	"hoctap/internal/sheet"
)

// jobView is an import job as the runner shows it, worked out once per
// operation for all the fields that read it.
type jobView struct {
	once sync.Once
	job  *importjobs.Job
	err  error
}

// importJob is obj as the runner shows it (importjob.Runner.View): the
// progress of a step running in this process, which the row does not have
// yet, and a job whose process died, failed. The view is taken once per
// operation, so its report is decoded once whatever the fields asked for.
func (r *Resolver) importJob(ctx context.Context, obj *ent.ImportJob) (*importjobs.Job, error) {
	view := func() (*importjobs.Job, error) {
		// View updates the row it is given; gqlgen reads obj's other
		// fields meanwhile.
		row := *obj
		return r.Imports.View(ctx, &row)
	}
	l := loadersFrom(ctx)
	if l == nil {
		return view()
	}
	l.mu.Lock()
	if l.jobs == nil {
		l.jobs = map[*ent.ImportJob]*jobView{}
	}
	v := l.jobs[obj]
	if v == nil {
		v = &jobView{}
		l.jobs[obj] = v
	}
	l.mu.Unlock()
	v.once.Do(func() { v.job, v.err = view() })
	return v.job, v.err
}

// seenJob records a job the runner just answered (checkImport, applyImport)
// as the operation's view of it.
func seenJob(ctx context.Context, job *importjobs.Job) {
	l := loadersFrom(ctx)
	if l == nil {
		return
	}
	v := &jobView{job: job}
	v.once.Do(func() {})
	l.mu.Lock()
	if l.jobs == nil {
		l.jobs = map[*ent.ImportJob]*jobView{}
	}
	l.jobs[job.ImportJob] = v
	l.mu.Unlock()
}

// importReport presents a report in lang.
func importReport(rep *imports.Report, lang i18n.Lang) *model.ImportReport {
	out := &model.ImportReport{
		Sha256:       rep.SHA256,
		Totals:       importTotals(rep.Totals),
		Sheets:       make([]*model.ImportSheet, len(rep.Sheets)),
		Problems:     importProblems(rep.Problems, lang),
		Warnings:     importProblems(rep.Warnings, lang),
		ErrorCount:   rep.Errors,
		WarningCount: rep.WarningCount,
		Applied:      rep.Applied,
	}
	switch rep.Format {
	case sheet.XLSX:
		out.Format = new(model.ImportFormatXlsx)
	case sheet.CSV:
		out.Format = new(model.ImportFormatCSV)
	}
	for i, s := range rep.Sheets {
		out.Sheets[i] = &model.ImportSheet{Sheet: s.Sheet, Kind: s.Kind, HeaderRow: nonZero(s.HeaderRow), Rows: s.Rows, Totals: importTotals(s.Totals)}
	}
	return out
}

func importTotals(t imports.Totals) *model.ImportTotals {
	return &model.ImportTotals{Create: t.Create, Update: t.Update, Unchanged: t.Unchanged, Refused: t.Refused}
}

func importProblems(ps []imports.Problem, lang i18n.Lang) []*model.ImportProblem {
	out := make([]*model.ImportProblem, len(ps))
	for i, p := range ps {
		out[i] = &model.ImportProblem{
			Sheet: nonZero(p.Sheet), Row: nonZero(p.Row), Column: nonZero(p.Column),
			Header: nonZero(p.Header), Value: nonZero(p.Value), Message: p.Message(lang),
		}
	}
	return out
}

// nonZero is v, or null when it is its type's zero: a report says "none"
// with zeros and empty strings, the schema with null.
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
