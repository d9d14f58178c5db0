"""The authored sections against the template spec: every part present once, its headings,
answers and fields (rules SEC, HDG, FLD, REV), and the details table drawn from front matter."""
