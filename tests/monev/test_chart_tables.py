"""Every monev chart has its numbers in a table too (WCAG 1.1.1: the canvas is a picture): the
dashboard's component averages, score trend and unit-against-average charts each fold a table under
"Angka dalam tabel"."""

import re

from tests.monev.test_selectors import people, units, verified  # noqa: F401 (fixtures)


def _tables(html: str) -> list[str]:
    return re.findall(r'<details class="chart-table">(.*?)</details>', html, flags=re.S)


def test_each_dashboard_chart_has_a_table_with_its_numbers(units, people, client):  # noqa: F811
    client.force_login(people["supervisor"])
    html = client.get("/monev/?tahun=2024&unit=uji-best", HTTP_HOST="localhost").content.decode()

    components, trend, radar = _tables(html)
    assert html.count('role="img"') == 4  # distribution (its counts are listed beside it) and these three
    assert "Koleksi" in components and "%" in components
    assert "Perpustakaan Terbaik" in trend and "2023" in trend and "2024" in trend
    assert "60,00" in trend and "80,00" in trend  # uji-best's two verified totals
    assert "Rata-rata" in radar and "Koleksi" in radar
