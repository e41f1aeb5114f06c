package ocr

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"sync/atomic"
)

var devN atomic.Int32

func devSave(name string, g *image.Gray) {
	d := os.Getenv("DEVSHEET")
	if d == "" {
		return
	}
	f, _ := os.Create(fmt.Sprintf("%s/%s-%d.png", d, name, devN.Add(1)))
	png.Encode(f, g)
	f.Close()
}
