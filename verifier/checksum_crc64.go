package verifier

import (
	"encoding/binary"
	"hash"
	"hash/crc64"
)

// crc64NVMEPoly is CRC-64/NVME's polynomial 0xad93d23594c93659 in the
// bit-reversed form hash/crc64 and crcCombiner expect; init and final XOR
// are all ones, which is what hash/crc64 does.
const crc64NVMEPoly = 0x9a6c9329ac4bc9b5

// crc64NVMESlices holds the tables of slicing-by-16: slice 0 is hash/crc64's
// table for the polynomial (a byte's effect on the register), slice k the
// effect of a byte followed by k zero bytes. Sixteen lookups then advance
// the register by 16 bytes at once. Every object gets a CRC64NVME, as on
// S3, and hash/crc64 slices by 8 only, rebuilding its 16 KiB tables for
// this polynomial on every Write of 2 KiB or more: measured here at about
// 1.4 GB/s against MD5's 0.7, its cost was a third of a large PUT's
// hashing. The 32 KiB of tables are computed once, when the package loads.
var crc64NVMESlices = makeCRC64Slices(crc64.MakeTable(crc64NVMEPoly))

func makeCRC64Slices(t0 *crc64.Table) *[16][256]uint64 {
	var t [16][256]uint64
	t[0] = *t0
	for b := range 256 {
		crc := t[0][b]
		for k := 1; k < 16; k++ {
			crc = t[0][crc&0xff] ^ crc>>8
			t[k][b] = crc
		}
	}
	return &t
}

// updateCRC64NVME runs the raw CRC register crc over p: raw as the
// table steps work on it, all ones at the start, the complement of the
// finished CRC (see crc64nvme.reg).
func updateCRC64NVME(crc uint64, p []byte) uint64 {
	t := crc64NVMESlices
	for len(p) >= 16 {
		lo := crc ^ binary.LittleEndian.Uint64(p)
		hi := binary.LittleEndian.Uint64(p[8:])
		crc = t[15][lo&0xff] ^ t[14][lo>>8&0xff] ^ t[13][lo>>16&0xff] ^ t[12][lo>>24&0xff] ^
			t[11][lo>>32&0xff] ^ t[10][lo>>40&0xff] ^ t[9][lo>>48&0xff] ^ t[8][lo>>56] ^
			t[7][hi&0xff] ^ t[6][hi>>8&0xff] ^ t[5][hi>>16&0xff] ^ t[4][hi>>24&0xff] ^
			t[3][hi>>32&0xff] ^ t[2][hi>>40&0xff] ^ t[1][hi>>48&0xff] ^ t[0][hi>>56]
		p = p[16:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return crc
}

// crc64Lanes is how many stretches of a large write are CRCed at once.
// One register's next value waits on a chain of table loads, so a single
// stream leaves the CPU idle most cycles; four independent registers keep
// it busy, and their CRCs are then joined with crcCombiner (a few
// multiplications per write, noise beside the bytes).
const crc64Lanes = 4

// crc64LanesMin is the smallest write split into lanes: a join costs about
// as much as CRCing 2 KiB, so smaller writes go through one register.
const crc64LanesMin = 64 << 10

// crc64NVMECombiner joins CRC-64/NVME values; built once, like the tables.
var crc64NVMECombiner = newCRCCombiner(64, crc64NVMEPoly)

// updateCRC64NVMELanes is updateCRC64NVME for a large p: the first
// crc64Lanes equal stretches of it are CRCed side by side (the first
// continuing from crc, the others from the initial register), joined in
// order with the shift over one stretch, shiftLane = x^(8·laneLen), and
// the rest is CRCed after them. crc and the result are raw registers.
func updateCRC64NVMELanes(crc uint64, p []byte, laneLen int, shiftLane uint64) uint64 {
	t := crc64NVMESlices
	p0, p1, p2, p3 := p[:laneLen], p[laneLen:2*laneLen], p[2*laneLen:3*laneLen], p[3*laneLen:4*laneLen]
	c0, c1, c2, c3 := crc, ^uint64(0), ^uint64(0), ^uint64(0)
	step := func(c uint64, q []byte) uint64 {
		x := c ^ binary.LittleEndian.Uint64(q)
		return t[7][x&0xff] ^ t[6][x>>8&0xff] ^ t[5][x>>16&0xff] ^ t[4][x>>24&0xff] ^
			t[3][x>>32&0xff] ^ t[2][x>>40&0xff] ^ t[1][x>>48&0xff] ^ t[0][x>>56]
	}
	for i := 0; i+8 <= laneLen; i += 8 {
		c0 = step(c0, p0[i:])
		c1 = step(c1, p1[i:])
		c2 = step(c2, p2[i:])
		c3 = step(c3, p3[i:])
	}
	// The combiner works on finished CRCs (register complemented).
	joined := ^c0
	for _, c := range [...]uint64{c1, c2, c3} {
		joined = crc64NVMECombiner.mul(shiftLane, joined) ^ ^c
	}
	return updateCRC64NVME(^joined, p[crc64Lanes*laneLen:])
}

// crc64nvme is a hash.Hash64 of CRC-64/NVME, byte for byte what
// crc64.New(crc64.MakeTable(crc64NVMEPoly)) computes, only faster.
type crc64nvme struct {
	// reg is the finished CRC of what was written so far, the raw
	// register complemented, so that the zero value is the initial
	// all-ones register.
	reg uint64
	// laneLen and shiftLane are the last split into lanes: a large body
	// comes in equal pieces, so the shift is computed once.
	laneLen   int
	shiftLane uint64
}

var _ hash.Hash64 = (*crc64nvme)(nil)

func (d *crc64nvme) Write(p []byte) (int, error) {
	if len(p) < crc64LanesMin {
		d.reg = ^updateCRC64NVME(^d.reg, p)
		return len(p), nil
	}
	if laneLen := len(p) / crc64Lanes &^ 7; laneLen != d.laneLen {
		d.laneLen, d.shiftLane = laneLen, crc64NVMECombiner.xPow8n(int64(laneLen))
	}
	d.reg = ^updateCRC64NVMELanes(^d.reg, p, d.laneLen, d.shiftLane)
	return len(p), nil
}

func (d *crc64nvme) Sum64() uint64 { return d.reg }

func (d *crc64nvme) Sum(in []byte) []byte { return binary.BigEndian.AppendUint64(in, d.reg) }

func (d *crc64nvme) Reset() { d.reg = 0 }

func (d *crc64nvme) Size() int { return crc64.Size }

func (d *crc64nvme) BlockSize() int { return 1 }
