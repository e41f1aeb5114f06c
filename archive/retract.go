package archive

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrRetracted is returned by Retract for a document already retracted;
// ErrNotRetracted by Restore for one that is not.
var (
	ErrRetracted    = errors.New("already retracted")
	ErrNotRetracted = errors.New("not retracted")
)

// Retract hides document id from listings: it appends a "retract"
// tombstone (who, when, why) to the document's history in one write
// transaction and returns the document as stored. The document, its files
// and captures stay in the archive. An unknown id is ErrNotFound; a
// document already retracted is ErrRetracted. reason is required.
func (a *Archive) Retract(id, by, reason string, at time.Time) (*Document, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, fmt.Errorf("retract document %s: a reason is required", id)
	}
	return a.addTombstone(id, Tombstone{Action: TombstoneRetract, By: by, Time: at, Reason: reason})
}

// Restore undoes a retraction: it appends a "restore" tombstone (the
// history keeps both) and returns the document as stored. reason is
// optional. A document that is not retracted is ErrNotRetracted.
func (a *Archive) Restore(id, by, reason string, at time.Time) (*Document, error) {
	return a.addTombstone(id, Tombstone{Action: TombstoneRestore, By: by, Time: at, Reason: reason})
}

func (a *Archive) addTombstone(id string, t Tombstone) (*Document, error) {
	if t.Time.IsZero() {
		t.Time = time.Now()
	}
	t.Time = t.Time.UTC()
	var out *Document
	err := a.update(func(c *commitTx) error {
		d, err := getDoc(c.tx, id)
		if err != nil {
			return err
		}
		switch {
		case t.Action == TombstoneRetract && d.Retracted():
			r := d.Retraction()
			return fmt.Errorf("document %s: %w (by %s at %s: %s)", id, ErrRetracted, r.By, r.Time.Format(time.RFC3339), r.Reason)
		case t.Action == TombstoneRestore && !d.Retracted():
			return fmt.Errorf("document %s: %w", id, ErrNotRetracted)
		}
		d.Tombstones = append(d.Tombstones, t)
		d.ID = id
		out = d
		return c.putDocTombstones(d)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
