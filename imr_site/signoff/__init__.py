"""Sign-off (guidance part 8): the author's and the Director's signatures and dates
(``model``), and the rules about them (``checks``, SGN)."""
