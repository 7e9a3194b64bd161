"""The librarian's reports (``/kelola/laporan/``): the collection by DDC class, language, material type and
year of publication; acquisitions and loans per month. Loans are counted, never listed: no member or loan
row leaves these functions, only totals."""
