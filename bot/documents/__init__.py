"""Document readers: Word (.docx) and text exports into neutral blocks of paragraphs and tables."""
