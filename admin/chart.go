package admin

import (
	"math"

	"hoctap/internal/i18n"
)

// Geometry of the server-rendered bar charts, in SVG user units; the SVG
// scales to its container through its viewBox.
const (
	chartWidth  = 560
	labelRight  = 152 // unit names end here
	plotX       = 160 // a 0% bar starts here
	plotWidth   = 300 // and a 100% bar is this long
	valueX      = plotX + plotWidth + 8
	chartTop    = 26 // room for the axis labels
	rowHeight   = 26
	barHeight   = 16
	labelMaxLen = 22 // longer unit names are cut, whole in the tooltip
)

// barInput is one unit's value in a chart.
type barInput struct {
	Label, Href string
	Rate        float64
	Target      *float64
	Meets       *bool
	Eligible    int
}

// bar is a laid-out bar.
type bar struct {
	barInput
	Short                  string
	Y, TextY, W            float64
	TargetX                float64
	TargetY1, TargetY2     float64
	Class, Value, Describe string
}

// tick is an axis mark.
type tick struct {
	X     float64
	Label string
}

// chart is a horizontal bar chart of one title's rate per child unit, with
// each unit's target marked; bars are coloured by whether they meet it.
type chart struct {
	ID, Title, Desc string
	LabelX, ValueX  int
	PlotWidth       int
	BarHeight       int
	Width, Height   int
	PlotX, PlotEnd  float64
	AxisY, GridEnd  float64
	Ticks           []tick
	Bars            []bar
}

func newChart(lang i18n.Lang, id, title string, in []barInput) chart {
	c := chart{ID: id, Title: title, Width: chartWidth, PlotX: plotX, PlotEnd: plotX + plotWidth, AxisY: chartTop - 10,
		LabelX: labelRight, ValueX: valueX, PlotWidth: plotWidth, BarHeight: barHeight}
	c.Height = chartTop + len(in)*rowHeight + 6
	c.GridEnd = float64(c.Height - 4)
	for _, p := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.Ticks = append(c.Ticks, tick{X: plotX + p*plotWidth, Label: formatPct(lang, p)})
	}
	meeting, withTarget := 0, 0
	for i, b := range in {
		y := float64(chartTop + i*rowHeight + (rowHeight-barHeight)/2)
		laid := bar{barInput: b, Short: shorten(b.Label), Y: y, TextY: y + barHeight - 3,
			W: math.Round(math.Min(math.Max(b.Rate, 0), 1)*plotWidth*10) / 10}
		laid.Value = formatPct(lang, b.Rate)
		switch {
		case b.Eligible == 0:
			laid.Class, laid.Value = "bar-none", "—"
		case b.Meets == nil:
			laid.Class = "bar-none"
		case *b.Meets:
			laid.Class = "bar-ok"
		default:
			laid.Class = "bar-miss"
		}
		if b.Target != nil {
			withTarget++
			if b.Meets != nil && *b.Meets {
				meeting++
			}
			laid.TargetX = plotX + math.Min(math.Max(*b.Target, 0), 1)*plotWidth
			laid.TargetY1, laid.TargetY2 = y-4, y+barHeight+4
			laid.Value += " / " + formatPct(lang, *b.Target)
			laid.Describe = translate(lang, "chart.barTarget", b.Label, formatPct(lang, b.Rate), formatPct(lang, *b.Target))
		} else {
			laid.Describe = translate(lang, "chart.bar", b.Label, formatPct(lang, b.Rate))
		}
		c.Bars = append(c.Bars, laid)
	}
	c.Desc = translate(lang, "chart.desc", meeting, withTarget)
	return c
}

func shorten(s string) string {
	r := []rune(s)
	if len(r) <= labelMaxLen {
		return s
	}
	return string(r[:labelMaxLen-1]) + "…"
}
