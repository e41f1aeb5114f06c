package ocr

import (
	"image"
	"math"
	"sort"
)

// Rule is one ruled line of a table, in pixels of the (deskewed) page
// image. A horizontal rule runs from X0 to X1 at Y; a vertical one from Y0
// to Y1 at X. Thick is its measured thickness.
type Rule struct {
	Vertical bool
	// Pos is Y for a horizontal rule, X for a vertical one; From and To its
	// extent along the other axis.
	Pos, From, To int
	Thick         int
}

// threshold is Otsu's threshold of the image's grey histogram: pixels
// darker than it are ink.
func threshold(g *image.Gray) uint8 {
	var hist [256]int
	b := g.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := g.Pix[(y-b.Min.Y)*g.Stride:]
		for x := 0; x < b.Dx(); x++ {
			hist[row[x]]++
		}
	}
	total := b.Dx() * b.Dy()
	if total == 0 {
		return 128
	}
	var sum float64
	for i, n := range hist {
		sum += float64(i * n)
	}
	var sumB, best float64
	wB := 0
	t := 128
	for i, n := range hist {
		wB += n
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(i * n)
		mB := sumB / float64(wB)
		mF := (sum - sumB) / float64(wF)
		if between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); between > best {
			best, t = between, i
		}
	}
	// t is the darkest class's last level. A blank page has one peak:
	// Otsu then splits paper noise, so ink is capped at dark.
	return uint8(min(t+1, 200))
}

// skewAngle estimates the page's rotation (radians, small) from its ink:
// the angle at which the horizontal projection of ink pixels is the
// sharpest (text lines and rules collapse into few rows). Scans are
// tilted by a fraction of a degree; a tilt of 0.5° moves a rule across a
// 2,000-pixel table by 17 pixels, enough to lose it as a line.
func skewAngle(g *image.Gray, t uint8) float64 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w < 16 || h < 16 {
		return 0
	}
	// Sample ink pixels on a coarse lattice: enough for the profile,
	// bounded work whatever the page size.
	step := max(1, int(math.Sqrt(float64(w*h)/1_600_000)))
	type pt struct{ x, y float32 }
	var pts []pt
	// A page of mostly ink (a photo, a black scan) would sample ~1.6M
	// points: the lattice is coarsened until at most maxPts are kept.
	const maxPts = 400_000
	for {
		pts = pts[:0]
		for y := 0; y < h && len(pts) <= maxPts; y += step {
			row := g.Pix[y*g.Stride:]
			for x := 0; x < w; x += step {
				if row[x] < t {
					pts = append(pts, pt{float32(x), float32(y)})
				}
			}
		}
		if len(pts) <= maxPts {
			break
		}
		step *= 2
	}
	if len(pts) < 100 {
		return 0
	}
	// Bins as tall as the sampling step: finer bins would favour the
	// angle 0, at which the sampled rows fall on every step-th bin.
	fs := float64(step)
	bins := make([]float64, (h+2*w/10)/step+16)
	off := float64(w/10)/fs + 8
	score := func(a float64) float64 {
		clear(bins)
		tan := math.Tan(a)
		for _, p := range pts {
			i := int((float64(p.y)-float64(p.x)*tan)/fs + off)
			if i >= 0 && i < len(bins) {
				bins[i]++
			}
		}
		var s float64
		for _, n := range bins {
			s += n * n
		}
		return s
	}
	const deg = math.Pi / 180
	best, bestS := 0.0, score(0)
	for a := -3.0; a <= 3.0001; a += 0.1 {
		if s := score(a * deg); s > bestS {
			best, bestS = a*deg, s
		}
	}
	c := best
	for a := c - 0.1*deg; a <= c+0.1*deg; a += 0.01 * deg {
		if s := score(a); s > bestS {
			best, bestS = a, s
		}
	}
	return best
}

// rotate returns g turned by -angle about its centre (undoing a tilt of
// angle), bilinear, white outside the original.
func rotate(g *image.Gray, angle float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	cos, sin := math.Cos(angle), math.Sin(angle)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		orow := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			dx := float64(x) - cx
			// source point: rotate (dx,dy) by +angle
			sx := cx + dx*cos - dy*sin
			sy := cy + dx*sin + dy*cos
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			if x0 < 0 || y0 < 0 || x0+1 >= w || y0+1 >= h {
				orow[x] = 255
				continue
			}
			fx, fy := sx-float64(x0), sy-float64(y0)
			p := g.Pix[y0*g.Stride+x0:]
			q := g.Pix[(y0+1)*g.Stride+x0:]
			v := (float64(p[0])*(1-fx)+float64(p[1])*fx)*(1-fy) + (float64(q[0])*(1-fx)+float64(q[1])*fx)*fy
			orow[x] = uint8(v + 0.5)
		}
	}
	return out
}

// findRules finds the long straight ink runs of a deskewed page: table
// rules. minLen is the shortest run that counts (shorter than the
// narrowest table column, longer than any character stroke); gap the
// largest break (noise, JPEG) bridged inside a run; maxThick the thickest
// band that is still a line and not a filled area.
func findRules(g *image.Gray, t uint8, minLen, gap, maxThick int) []Rule {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ink := func(x, y int) bool { return g.Pix[y*g.Stride+x] < t }
	var out []Rule
	out = append(out, runs(h, w, func(a, b int) bool { return ink(b, a) }, minLen, gap, maxThick, false)...)
	out = append(out, runs(w, h, func(a, b int) bool { return ink(a, b) }, minLen, gap, maxThick, true)...)
	return out
}

// seg is a run found on one scan line.
type seg struct{ from, to int }

// runs scans lines a = 0..na-1 along b = 0..nb-1 for ink runs of at least
// minLen, then merges runs on adjacent lines that overlap into one rule.
func runs(na, nb int, ink func(a, b int) bool, minLen, gap, maxThick int, vertical bool) []Rule {
	type open struct {
		r     Rule
		first int // first scan line
		last  int // last scan line that had a run
		sum   int // of scan line indexes, for the centre
		n     int
	}
	var active []*open
	var done []Rule
	finish := func(o *open) {
		thick := o.last - o.first + 1
		if thick > maxThick {
			return
		}
		o.r.Pos = (o.sum + o.n/2) / o.n
		o.r.Thick = thick
		done = append(done, o.r)
	}
	var segs []seg
	for a := 0; a < na; a++ {
		segs = segs[:0]
		start, lastInk := -1, -1
		for b := 0; b < nb; b++ {
			if !ink(a, b) {
				continue
			}
			if start >= 0 && b-lastInk-1 > gap {
				if lastInk-start+1 >= minLen {
					segs = append(segs, seg{start, lastInk})
				}
				start = -1
			}
			if start < 0 {
				start = b
			}
			lastInk = b
		}
		if start >= 0 && lastInk-start+1 >= minLen {
			segs = append(segs, seg{start, lastInk})
		}
		next := active[:0]
		used := make([]bool, len(segs))
		for _, o := range active {
			matched := false
			for i, s := range segs {
				if used[i] || s.to < o.r.From || s.from > o.r.To {
					continue
				}
				used[i], matched = true, true
				o.r.From, o.r.To = min(o.r.From, s.from), max(o.r.To, s.to)
				o.last = a
				o.sum += a
				o.n++
			}
			if matched || a-o.last <= 1 {
				next = append(next, o)
				continue
			}
			finish(o)
		}
		active = next
		for i, s := range segs {
			if !used[i] {
				active = append(active, &open{r: Rule{Vertical: vertical, From: s.from, To: s.to}, first: a, last: a, sum: a, n: 1})
			}
		}
	}
	for _, o := range active {
		finish(o)
	}
	return joinCollinear(done, gap*4)
}

// joinCollinear joins rules on the same line whose ends are within
// maxGap: a rule broken by a stamp or a fold is one rule.
func joinCollinear(rs []Rule, maxGap int) []Rule {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Pos != rs[j].Pos {
			return rs[i].Pos < rs[j].Pos
		}
		return rs[i].From < rs[j].From
	})
	var out []Rule
	for _, r := range rs {
		joined := false
		for k := len(out) - 1; k >= 0 && r.Pos-out[k].Pos <= 3; k-- {
			o := &out[k]
			if abs(o.Pos-r.Pos) <= 3 && r.From <= o.To+maxGap && r.To >= o.From-maxGap {
				o.From, o.To = min(o.From, r.From), max(o.To, r.To)
				o.Thick = max(o.Thick, r.Thick)
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, r)
		}
	}
	return out
}

// eraseRules paints the rules white (with a pixel of margin), so that
// tesseract does not read them as characters (| 1 l) and its line finder
// does not join a row's cells across them.
func eraseRules(g *image.Gray, rs []Rule) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for _, r := range rs {
		half := r.Thick/2 + 2
		for p := r.Pos - half; p <= r.Pos+half; p++ {
			for q := r.From; q <= r.To; q++ {
				x, y := q, p
				if r.Vertical {
					x, y = p, q
				}
				if x >= 0 && y >= 0 && x < w && y < h {
					g.Pix[y*g.Stride+x] = 255
				}
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
