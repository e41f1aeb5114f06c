package pdf

import (
	"context"
	"math/rand"
	"os"
	"runtime/pprof"
	"testing"
	"time"
)

func TestZZHang(t *testing.T) {
	seeds := [][]byte{readSample(t, "report-lo-wqy.pdf"), readSample(t, "report-chromium-cid.pdf"), synthDoc(false, synthContent1, synthContent2), synthDoc(true, synthContent1, synthContent2)}
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 3000; i++ {
		b := append([]byte(nil), seeds[i%len(seeds)]...)
		for k := 0; k < 1+rng.Intn(8); k++ {
			switch rng.Intn(3) {
			case 0:
				b[rng.Intn(len(b))] = byte(rng.Intn(256))
			case 1:
				p := rng.Intn(len(b))
				b = append(b[:p], b[min(len(b), p+rng.Intn(20)):]...)
			case 2:
				p := rng.Intn(len(b))
				c := "0123456789 []<>()/"[rng.Intn(18)]; b = append(b[:p], append([]byte{c}, b[p:]...)...)
			}
		}
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				os.WriteFile("/tmp/hang.pdf", b, 0o644)
				pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
				os.Exit(3)
			}
		}()
		fastReadPages(context.Background(), b, 20)
		close(done)
	}
}
