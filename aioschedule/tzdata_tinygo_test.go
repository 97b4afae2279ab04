//go:build tinygo

package aioschedule

// A board has no zoneinfo files: the zone tests (Berlin, New York) get
// their zone data from the copy embedded in the test binary. A program
// that schedules in a time zone on a board imports time/tzdata likewise
// (about 450 KB of flash), or uses fixed zones (time.FixedZone).
import _ "time/tzdata"
