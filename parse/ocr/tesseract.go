package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Word is one word tesseract found, in pixels of the image it was given.
type Word struct {
	Text                     string
	Left, Top, Right, Bottom int
	// Conf is tesseract's confidence, 0–100.
	Conf float64
	// Line groups the words tesseract put on one text line (block,
	// paragraph and line number folded into one key).
	Line int
}

func (w Word) cx() int { return (w.Left + w.Right) / 2 }
func (w Word) cy() int { return (w.Top + w.Bottom) / 2 }
func (w Word) h() int  { return w.Bottom - w.Top }

// Request is one recognition: the image, tesseract's page segmentation
// mode, the language and, optionally, the only characters allowed.
type Request struct {
	Image     *image.Gray
	PSM       int
	Lang      string // "": chi_sim
	Whitelist string
	// DPI is the image's resolution, told to tesseract (0: 300); it is
	// not part of a recording's key.
	DPI int
}

// Recognizer reads the words of an image. Tesseract is the real one;
// tests inject recorded or altered words through it, so that what the
// trust gate decides does not depend on an installed OCR engine.
type Recognizer interface {
	Recognize(ctx context.Context, req Request) ([]Word, error)
}

// Tesseract runs the tesseract command line (TSV output) under a timeout.
// A Go binding (gosseract) would need cgo and the C++ library at build
// time; the command is optional at run time instead, and a crash in it
// costs one page, never the process.
type Tesseract struct {
	Bin     string        // path of the tesseract binary
	Timeout time.Duration // per run; 0: 90 s
}

// maxTSV caps what one tesseract run may print (a page's TSV is ~100 KB).
const maxTSV = 8 << 20

// Recognize implements Recognizer.
func (t Tesseract) Recognize(ctx context.Context, req Request) ([]Word, error) {
	if req.Image == nil {
		return nil, errors.New("tesseract: no image")
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = 90 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var img bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&img, req.Image); err != nil {
		return nil, fmt.Errorf("tesseract: encode png: %w", err)
	}
	lang := req.Lang
	if lang == "" {
		lang = "chi_sim"
	}
	psm := req.PSM
	if psm == 0 {
		psm = 6
	}
	args := []string{"-", "-", "-l", lang, "--psm", strconv.Itoa(psm)}
	if req.Whitelist != "" {
		args = append(args, "-c", "tessedit_char_whitelist="+req.Whitelist)
	}
	// The image's resolution: without it tesseract guesses from the
	// pixels and warns.
	dpi := req.DPI
	if dpi <= 0 {
		dpi = 300
	}
	args = append(args, "--dpi", strconv.Itoa(dpi), "tsv")
	cmd := exec.CommandContext(ctx, t.Bin, args...)
	// One OpenMP thread: tesseract's default four spin and make parallel
	// pages slower on a shared machine.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdin = &img
	stdout := &capped{max: maxTSV}
	stderr := &capped{max: 4096}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("tesseract: %w", ctx.Err())
		}
		return nil, fmt.Errorf("tesseract: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	words, err := ParseTSV(bytes.NewReader(stdout.Bytes()))
	if err != nil {
		return nil, fmt.Errorf("tesseract: %w", err)
	}
	return words, nil
}

// capped keeps at most max bytes and drops the rest.
type capped struct {
	bytes.Buffer
	max int
}

func (b *capped) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// maxWords bounds what one page may yield (a dense page has ~2,000).
const maxWords = 50_000

// ParseTSV reads tesseract's TSV output: the word rows (level 5) with a
// non-blank text. Malformed rows are skipped; it never fails on content,
// only on a read error.
func ParseTSV(r io.Reader) ([]Word, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var words []Word
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		text := strings.TrimSpace(f[11])
		if text == "" {
			continue
		}
		var n [9]int
		ok := true
		for i := range n {
			v, err := strconv.Atoi(f[1+i])
			if err != nil || v < 0 || v > 1<<20 {
				ok = false
				break
			}
			n[i] = v
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if !ok || err != nil || conf != conf {
			continue
		}
		// n: page, block, par, line, word, left, top, width, height
		words = append(words, Word{Text: text, Left: n[5], Top: n[6], Right: n[5] + n[7], Bottom: n[6] + n[8],
			Conf: conf, Line: n[1]<<20 | n[2]<<10 | n[3]})
		if len(words) >= maxWords {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return words, fmt.Errorf("read tsv: %w", err)
	}
	return words, nil
}
