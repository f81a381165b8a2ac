"""Ethnicity as the DfE records it: the codes the CIN census and Ofsted's Annex A expect.

Source: the DfE's Children in Need census guide, ethnicity codes (the schema's
``ethnicitytype``, CIN_schema_2024.xsd), in the guide's order. A child's ethnicity is what the
child or family say it is; "Refused" and "Information not yet obtained" are answers too, so
nothing is guessed. The desk stores the code; people read the words.
"""

from __future__ import annotations

ETHNICITY_LABELS: dict[str, str] = {
    "WBRI": "White — British",
    "WIRI": "White — Irish",
    "WIRT": "White — Traveller of Irish heritage",
    "WROM": "White — Gypsy / Roma",
    "WOTH": "White — any other White background",
    "MWBC": "Mixed — White and Black Caribbean",
    "MWBA": "Mixed — White and Black African",
    "MWAS": "Mixed — White and Asian",
    "MOTH": "Mixed — any other mixed background",
    "AIND": "Asian or Asian British — Indian",
    "APKN": "Asian or Asian British — Pakistani",
    "ABAN": "Asian or Asian British — Bangladeshi",
    "AOTH": "Asian or Asian British — any other Asian background",
    "BCRB": "Black or Black British — Caribbean",
    "BAFR": "Black or Black British — African",
    "BOTH": "Black or Black British — any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}


def ethnicity_problem(code: str | None) -> str | None:
    """Why ``code`` is not an ethnicity the desk can record, or None (nothing given is fine)."""
    if code is None or code == "":
        return None
    if code not in ETHNICITY_LABELS:
        return f"{code!r} is not one of the DfE's ethnicity codes (e.g. WBRI, AIND, BAFR, NOBT)"
    return None
