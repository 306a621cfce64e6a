// Package rates holds the national targets of the programme's periods as
// plain values: the table of DOMAIN.md that a new database is seeded with,
// which period's targets a campaign year takes, and the snapshot a campaign
// keeps of them. It imports nothing of the database, so the ent schema can
// store a snapshot (rates.Set) on the campaign.
package rates

import (
	"slices"

	"hoctap/internal/title"
)

// Area is the area category a target is for.
type Area string

// The area categories: a commune is disadvantaged (mountainous, remote or
// especially disadvantaged) or not; QĐ 281 set lower targets for the former.
const (
	General       Area = "GENERAL"
	Disadvantaged Area = "DISADVANTAGED"
)

// AreaOf is the area category of a commune flagged disadvantaged or not.
func AreaOf(disadvantaged bool) Area {
	if disadvantaged {
		return Disadvantaged
	}
	return General
}

// Rate is one national target as a campaign took it.
type Rate struct {
	Title title.Title `json:"title"`
	// Subtype is the organisation subtype the target is for; "" for all.
	Subtype string `json:"subtype,omitempty"`
	Area    Area   `json:"area"`
	// Period is the target year of the programme period the rate comes
	// from: a 2030 row not yet confirmed leaves the 2025 rate in force.
	Period int     `json:"period"`
	Rate   float64 `json:"rate"`
	Source string  `json:"source"`
}

// Set is the national targets that apply to one campaign.
type Set []Rate

// Lookup returns the target of a title and subtype in an area: the
// subtype's own, else the title's; a disadvantaged area without a rate of
// its own takes the general one. ok is false where no target applies.
func (s Set) Lookup(t title.Title, subtype string, area Area) (rate float64, ok bool) {
	areas := []Area{area}
	if area != General {
		areas = append(areas, General)
	}
	subtypes := []string{subtype}
	if subtype != "" {
		subtypes = append(subtypes, "")
	}
	for _, a := range areas {
		for _, st := range subtypes {
			for _, r := range s {
				if r.Title == t && r.Subtype == st && r.Area == a {
					return r.Rate, true
				}
			}
		}
	}
	return 0, false
}

// Row is a row of the national table: Rate nil means the period's target is
// not confirmed, and the latest earlier period's holds until it is.
type Row struct {
	Title   title.Title
	Subtype string
	Period  int
	Area    Area
	Rate    *float64
	Source  string
	Note    string
}

// The documents the targets come from.
const (
	SourceQD281 = "QĐ 281/QĐ-TTg ngày 20/02/2014"
	SourceQD387 = "QĐ 387/QĐ-TTg ngày 25/3/2022"
	SourceQD677 = "QĐ 677/QĐ-TTg ngày 03/6/2022"
)

func pct(v float64) *float64 { return &v }

// Notes of the seeded rows, Vietnamese first.
const (
	noteNoSplit      = "Văn bản không quy định riêng cho vùng khó khăn: áp dụng như vùng chung. / The decision sets no separate rate for disadvantaged areas."
	noteUnconfirmed  = "Chưa xác nhận; chỉ tiêu năm 2025 tiếp tục áp dụng đến khi có văn bản. / Not confirmed; the 2025 rate holds until it is."
	noteCitizen2025  = "40% người lớn trong gia đình, dòng họ, cộng đồng học tập; 60% cán bộ, người lao động trong đơn vị học tập (chưa tách riêng, xem README). / 40% of adults in learning families, clans, villages; 60% of staff in learning units (not yet told apart, see README)."
	noteCitizen2030  = "60% người lớn trong gia đình, dòng họ, cộng đồng học tập; 80% cán bộ, người lao động trong đơn vị học tập (chưa tách riêng, xem README). / 60% of adults in learning families, clans, villages; 80% of staff in learning units (not yet told apart, see README)."
	noteUnit2025     = "80% cơ quan, đơn vị trên địa bàn xã. / 80% of the organisations in the commune."
	noteQD281Unit    = "QĐ 281 đặt 50% cho mọi vùng. / QĐ 281 sets 50% everywhere."
	noteDisadvantage = "Vùng miền núi, vùng sâu, vùng xa, vùng đặc biệt khó khăn. / Mountainous, remote or especially disadvantaged areas."
)

// Seed is the national table of DOMAIN.md ("National targets"), each row
// with its source document. The learning citizen has no 2020 target (QĐ 677
// came in 2022); the other 2030 rates are not confirmed.
var Seed = func() []Row {
	var rows []Row
	both := func(t title.Title, period int, general, disadvantaged *float64, source, note, disNote string) {
		rows = append(rows,
			Row{Title: t, Period: period, Area: General, Rate: general, Source: source, Note: note},
			Row{Title: t, Period: period, Area: Disadvantaged, Rate: disadvantaged, Source: source, Note: disNote})
	}
	both(title.Family, 2020, pct(0.70), pct(0.60), SourceQD281, "", noteDisadvantage)
	both(title.Clan, 2020, pct(0.50), pct(0.40), SourceQD281, "", noteDisadvantage)
	both(title.Community, 2020, pct(0.60), pct(0.50), SourceQD281, "", noteDisadvantage)
	both(title.Unit, 2020, pct(0.50), pct(0.50), SourceQD281, noteQD281Unit, noteQD281Unit)
	both(title.Family, 2025, pct(0.70), pct(0.70), SourceQD387, "", noteNoSplit)
	both(title.Clan, 2025, pct(0.65), pct(0.65), SourceQD387, "", noteNoSplit)
	both(title.Community, 2025, pct(0.65), pct(0.65), SourceQD387, "", noteNoSplit)
	both(title.Unit, 2025, pct(0.80), pct(0.80), SourceQD387, noteUnit2025, noteNoSplit)
	both(title.Citizen, 2025, pct(0.40), pct(0.40), SourceQD677, noteCitizen2025, noteNoSplit)
	for _, t := range []title.Title{title.Family, title.Clan, title.Community, title.Unit} {
		both(t, 2030, nil, nil, SourceQD387, noteUnconfirmed, noteUnconfirmed)
	}
	both(title.Citizen, 2030, pct(0.60), pct(0.60), SourceQD677, noteCitizen2030, noteNoSplit)
	return rows
}()

// Period is the programme period whose targets a campaign year takes: the
// nearest period ending at or after the year (a 2023 campaign works
// towards the 2025 targets), the last period after every one has ended,
// and 0 when there is none.
func Period(periods []int, year int) int {
	best := 0
	for _, p := range periods {
		if p >= year && (best < year || p < best) {
			best = p
		}
	}
	if best >= year {
		return best
	}
	return slices.Max(append(periods, 0))
}

// Resolve is the set a campaign of year takes from the table rows: each
// title, subtype and area of the year's period at that period's rate, or,
// where the rate is not confirmed, at the latest earlier period's.
func Resolve(rows []Row, year int) Set {
	var periods []int
	for _, r := range rows {
		periods = append(periods, r.Period)
	}
	period := Period(periods, year)
	type key struct {
		t  title.Title
		st string
		a  Area
	}
	var out Set
	for _, r := range rows {
		if r.Period != period {
			continue
		}
		k := key{r.Title, r.Subtype, r.Area}
		pick := r
		if pick.Rate == nil {
			// The latest earlier period with a confirmed rate.
			for _, e := range rows {
				if (key{e.Title, e.Subtype, e.Area}) == k && e.Rate != nil && e.Period < period &&
					(pick.Rate == nil || e.Period > pick.Period) {
					pick = e
				}
			}
		}
		if pick.Rate != nil {
			out = append(out, Rate{Title: r.Title, Subtype: r.Subtype, Area: r.Area, Period: pick.Period, Rate: *pick.Rate, Source: pick.Source})
		}
	}
	slices.SortFunc(out, func(a, b Rate) int {
		return cmpRate(a, b)
	})
	return out
}

func cmpRate(a, b Rate) int {
	ai, bi := slices.Index(title.All, a.Title), slices.Index(title.All, b.Title)
	switch {
	case ai != bi:
		return ai - bi
	case a.Subtype != b.Subtype:
		if a.Subtype < b.Subtype {
			return -1
		}
		return 1
	case a.Area != b.Area:
		if a.Area == General {
			return -1
		}
		return 1
	}
	return 0
}
