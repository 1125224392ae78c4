//! The small markup of challenge pages: paragraphs, `## ` headings and `- ` bullets. Parsed here
//! so every renderer (HTML, terminal) shows the same structure and none has to trust raw HTML.

/// A block of a challenge page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Bullets(Vec<String>),
}

/// Splits a body into blocks. Consecutive text lines join into one paragraph; consecutive
/// bullet lines into one list; blank lines end both.
pub fn blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut bullets: Vec<String> = Vec::new();
    fn flush(out: &mut Vec<Block>, paragraph: &mut Vec<&str>, bullets: &mut Vec<String>) {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
        if !bullets.is_empty() {
            out.push(Block::Bullets(std::mem::take(bullets)));
        }
    }
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut out, &mut paragraph, &mut bullets);
        } else if let Some(heading) = line.strip_prefix("## ") {
            flush(&mut out, &mut paragraph, &mut bullets);
            out.push(Block::Heading(heading.trim().to_owned()));
        } else if let Some(item) = line.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut out, &mut paragraph, &mut bullets);
            }
            bullets.push(item.trim().to_owned());
        } else if !bullets.is_empty() && paragraph.is_empty() {
            // A wrapped bullet continues the item above it.
            if let Some(last) = bullets.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut out, &mut paragraph, &mut bullets);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_bullets() {
        let body = "Intro line one\nline two.\n\n## Next\n- a\n- b\ncontinued\n\nEnd.";
        assert_eq!(
            blocks(body),
            vec![
                Block::Paragraph("Intro line one line two.".into()),
                Block::Heading("Next".into()),
                Block::Bullets(vec!["a".into(), "b continued".into()]),
                Block::Paragraph("End.".into()),
            ]
        );
    }

    #[test]
    fn empty_body_has_no_blocks() {
        assert!(blocks("\n \n").is_empty());
    }
}
