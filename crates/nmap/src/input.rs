//! The byte source under the XML reader: it knows where it is (byte, line, column) and refuses to
//! hand out more than a set number of bytes for one piece of markup.
//!
//! quick-xml copies each event (a tag with its attributes, a text run, a comment…) whole into a
//! buffer before returning it, so an attribute of a gigabyte would be a gigabyte in memory. This
//! source stops that: it never offers the reader more than what is left of the markup budget and
//! fails the read once it is spent, so the buffer stays within [`crate::Limits::max_markup_bytes`]
//! plus nothing. It also counts lines as bytes go by, which is what lets errors and hosts name the
//! line they are on without keeping the document.

use std::io::{self, BufRead, Read};

use crate::Position;

/// How many bytes are taken from the caller's reader at a time.
const CHUNK_BYTES: usize = 64 * 1024;

pub(crate) struct TrackedInput<R> {
    inner: R,
    chunk: Box<[u8]>,
    /// The unread part of `chunk` is `chunk[start..end]`.
    start: usize,
    end: usize,
    /// Bytes consumed since the beginning of the input.
    offset: u64,
    /// The 1-based line at `offset`, and the offset where that line begins.
    line: u64,
    line_start: u64,
    /// Where the markup being read began, and how long it may be.
    markup_start: u64,
    max_markup_bytes: u64,
    /// Set when a read failed because the markup budget was spent (the reader only sees an I/O
    /// error; this tells it apart from a real one).
    markup_too_long: bool,
}

impl<R: BufRead> TrackedInput<R> {
    pub(crate) fn new(inner: R, max_markup_bytes: usize) -> Self {
        TrackedInput {
            inner,
            chunk: vec![0; CHUNK_BYTES].into_boxed_slice(),
            start: 0,
            end: 0,
            offset: 0,
            line: 1,
            line_start: 0,
            markup_start: 0,
            max_markup_bytes: u64::try_from(max_markup_bytes).unwrap_or(u64::MAX),
            markup_too_long: false,
        }
    }

    /// Where the next unread byte is.
    pub(crate) fn position(&self) -> Position {
        Position { offset: self.offset, line: self.line, column: self.offset - self.line_start + 1 }
    }

    /// Starts the budget of a new piece of markup at the current position.
    pub(crate) fn begin_markup(&mut self) {
        self.markup_start = self.offset;
        self.markup_too_long = false;
    }

    pub(crate) fn markup_too_long(&self) -> bool {
        self.markup_too_long
    }

    /// Whether the input has nothing left (a read error counts as "not known to be at the end").
    pub(crate) fn at_end(&mut self) -> bool {
        self.start == self.end && matches!(self.refill(), Ok(0))
    }

    /// Consumes character data up to the next `<` or `&` (or the end), without copying it.
    ///
    /// The parser calls this where text is of no interest (between elements, inside script
    /// output, in Zenmap's `<output>`): such text may be as long as it likes, and the XML reader
    /// then resumes at the markup or reference that follows, which it checks as usual.
    pub(crate) fn skip_character_data(&mut self) -> io::Result<()> {
        loop {
            if self.start == self.end && self.refill()? == 0 {
                return Ok(());
            }
            let unread = self.chunk.get(self.start..self.end).unwrap_or_default();
            match unread.iter().position(|&b| b == b'<' || b == b'&') {
                Some(stop) => {
                    self.advance(stop);
                    return Ok(());
                }
                None => {
                    let all = unread.len();
                    self.advance(all);
                }
            }
        }
    }

    /// Consumes XML white space and returns the byte that follows it without consuming it
    /// (`None` at the end of the input).
    pub(crate) fn skip_white_space(&mut self) -> io::Result<Option<u8>> {
        loop {
            if self.start == self.end && self.refill()? == 0 {
                return Ok(None);
            }
            let unread = self.chunk.get(self.start..self.end).unwrap_or_default();
            match unread.iter().position(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                Some(stop) => {
                    let next = unread.get(stop).copied();
                    self.advance(stop);
                    return Ok(next);
                }
                None => {
                    let all = unread.len();
                    self.advance(all);
                }
            }
        }
    }

    /// Consumes a UTF-8 byte-order mark at the current position, if there is one.
    ///
    /// quick-xml removes one too, but only when the caller's reader hands out its three bytes at
    /// once; doing it here makes the outcome the same however the input is chunked.
    pub(crate) fn skip_utf8_bom(&mut self) -> io::Result<()> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        // Gather up to three unread bytes at the front of the chunk.
        self.chunk.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        while self.end < BOM.len() {
            let available = loop {
                match self.inner.fill_buf() {
                    Ok(available) => break available,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) => return Err(error),
                }
            };
            if available.is_empty() {
                break;
            }
            let taken = available.len().min(BOM.len() - self.end);
            if let (Some(to), Some(from)) =
                (self.chunk.get_mut(self.end..self.end + taken), available.get(..taken))
            {
                to.copy_from_slice(from);
            }
            self.inner.consume(taken);
            self.end += taken;
        }
        if self.chunk.get(..self.end).is_some_and(|unread| unread.starts_with(BOM)) {
            self.advance(BOM.len());
        }
        Ok(())
    }

    /// Takes the next chunk from the caller's reader when everything read so far is consumed;
    /// returns how many bytes are now unread (0 at the end of the input).
    fn refill(&mut self) -> io::Result<usize> {
        if self.start < self.end {
            return Ok(self.end - self.start);
        }
        loop {
            match self.inner.fill_buf() {
                Ok(available) => {
                    let taken = available.len().min(self.chunk.len());
                    if let (Some(to), Some(from)) = (self.chunk.get_mut(..taken), available.get(..taken)) {
                        to.copy_from_slice(from);
                    }
                    self.inner.consume(taken);
                    self.start = 0;
                    self.end = taken;
                    return Ok(taken);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }

    /// Marks `amount` unread bytes as consumed, counting the lines they end.
    fn advance(&mut self, amount: usize) {
        let amount = amount.min(self.end - self.start);
        let consumed = self.chunk.get(self.start..self.start + amount).unwrap_or_default();
        if let Some(last_newline) = consumed.iter().rposition(|&b| b == b'\n') {
            let newlines = consumed.iter().filter(|&&b| b == b'\n').count();
            self.line += newlines as u64;
            self.line_start = self.offset + last_newline as u64 + 1;
        }
        self.start += amount;
        self.offset += amount as u64;
    }
}

impl<R: BufRead> Read for TrackedInput<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let copied = available.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..copied), available.get(..copied)) {
            to.copy_from_slice(from);
        }
        self.consume(copied);
        Ok(copied)
    }
}

impl<R: BufRead> BufRead for TrackedInput<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let used = self.offset - self.markup_start;
        if used >= self.max_markup_bytes {
            self.markup_too_long = true;
            return Err(io::Error::other("markup longer than the limit"));
        }
        self.refill()?;
        let left = usize::try_from(self.max_markup_bytes - used).unwrap_or(usize::MAX);
        let end = self.end.min(self.start.saturating_add(left));
        Ok(self.chunk.get(self.start..end).unwrap_or_default())
    }

    fn consume(&mut self, amount: usize) {
        self.advance(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &mut TrackedInput<&[u8]>) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        input.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn counts_lines_and_columns() {
        let mut input = TrackedInput::new(&b"ab\ncd\n\nef"[..], 100);
        input.consume(0);
        assert_eq!(input.position(), Position { offset: 0, line: 1, column: 1 });
        input.fill_buf().unwrap();
        input.consume(4);
        assert_eq!(input.position(), Position { offset: 4, line: 2, column: 2 });
        input.consume(3);
        assert_eq!(input.position(), Position { offset: 7, line: 4, column: 1 });
    }

    #[test]
    fn refuses_markup_beyond_the_budget() {
        let mut input = TrackedInput::new(&[b'x'; 100][..], 10);
        assert!(read_all(&mut input).is_err());
        assert!(input.markup_too_long());
        assert_eq!(input.position().offset, 10);
        input.begin_markup();
        assert!(!input.markup_too_long());
        assert_eq!(input.fill_buf().unwrap().len(), 10);
    }

    #[test]
    fn skips_character_data_up_to_markup_or_a_reference() {
        let text = b"long text\nwith lines&amp;<tag>";
        let mut input = TrackedInput::new(&text[..], 100);
        input.skip_character_data().unwrap();
        assert_eq!(input.position(), Position { offset: 20, line: 2, column: 11 });
        input.begin_markup();
        input.fill_buf().unwrap();
        input.consume(5);
        input.skip_character_data().unwrap();
        assert_eq!(input.position().offset, 25);
        input.consume(5);
        input.skip_character_data().unwrap();
        assert!(input.at_end());
    }

    #[test]
    fn reads_through_small_chunks_of_the_caller() {
        let data: Vec<u8> = (0..200_000u32).map(|i| if i % 7 == 0 { b'\n' } else { b'a' }).collect();
        let reader = io::BufReader::with_capacity(3, &data[..]);
        let mut input = TrackedInput::new(reader, usize::MAX);
        let mut out = Vec::new();
        input.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        assert_eq!(input.position().line, 1 + data.iter().filter(|&&b| b == b'\n').count() as u64);
    }
}
