package ocr

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
)

// Recording holds a recognizer's answers keyed by the request (image
// pixels, language, mode, whitelist). Recorded once with tesseract, it
// plays back the same words without it, so tests of the table builder,
// the re-reading and the trust gate are deterministic and run where no
// OCR engine is installed; an Alter function changes words on the way
// out (a corrupted digit).
type Recording struct {
	mu    sync.Mutex
	Calls map[string][]Word `json:"calls"`
	// Next answers requests the recording lacks (nil: an error); set
	// while recording.
	Next Recognizer `json:"-"`
	// Alter, when set, may change the words of each answer (the request
	// says which kind of reading it was).
	Alter func(req Request, words []Word) []Word `json:"-"`
}

// Key identifies a request by its content.
func Key(req Request) string {
	h := sha256.New()
	var hdr [16]byte
	if req.Image != nil {
		binary.LittleEndian.PutUint64(hdr[:8], uint64(req.Image.Rect.Dx()))
		binary.LittleEndian.PutUint64(hdr[8:], uint64(req.Image.Rect.Dy()))
	}
	h.Write(hdr[:])
	fmt.Fprintf(h, "%s\x00%d\x00%s\x00", req.Lang, req.PSM, req.Whitelist)
	if img := req.Image; img != nil {
		for y := 0; y < img.Rect.Dy(); y++ {
			off := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
			h.Write(img.Pix[off : off+img.Rect.Dx()])
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Recognize implements Recognizer.
func (r *Recording) Recognize(ctx context.Context, req Request) ([]Word, error) {
	k := Key(req)
	r.mu.Lock()
	words, ok := r.Calls[k]
	r.mu.Unlock()
	if !ok {
		if r.Next == nil {
			return nil, fmt.Errorf("recording: no answer for request %s (lang %q, psm %d)", k, req.Lang, req.PSM)
		}
		var err error
		if words, err = r.Next.Recognize(ctx, req); err != nil {
			return nil, err
		}
		r.mu.Lock()
		if r.Calls == nil {
			r.Calls = map[string][]Word{}
		}
		r.Calls[k] = words
		r.mu.Unlock()
	}
	out := append([]Word(nil), words...)
	if r.Alter != nil {
		out = r.Alter(req, out)
	}
	return out, nil
}

// MarshalJSON writes each word as a compact array.
func (w Word) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{w.Text, w.Left, w.Top, w.Right, w.Bottom, w.Conf, w.Line})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (w *Word) UnmarshalJSON(b []byte) error {
	var a []json.RawMessage
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("word: %w", err)
	}
	if len(a) != 7 {
		return fmt.Errorf("word: %d fields, want 7", len(a))
	}
	for i, p := range []any{&w.Text, &w.Left, &w.Top, &w.Right, &w.Bottom, &w.Conf, &w.Line} {
		if err := json.Unmarshal(a[i], p); err != nil {
			return fmt.Errorf("word field %d: %w", i, err)
		}
	}
	return nil
}
