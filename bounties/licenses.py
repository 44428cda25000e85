"""The OSI-approved licenses a submission's source may be published under: the one list, by SPDX id.

Only submissions whose source carries one of these are prize-eligible (see
`bounties.selectors.prize_eligibility`). The ids are SPDX identifiers of licenses on the OSI's approved list.
"""

from __future__ import annotations

OSI_LICENSES: dict[str, str] = {
    "Apache-2.0": "Apache License 2.0",
    "MIT": "MIT License",
    "BSD-2-Clause": 'BSD 2-Clause "Simplified" License',
    "BSD-3-Clause": 'BSD 3-Clause "New" or "Revised" License',
    "0BSD": "BSD Zero Clause License",
    "ISC": "ISC License",
    "MIT-0": "MIT No Attribution",
    "Zlib": "zlib License",
    "BSL-1.0": "Boost Software License 1.0",
    "Unlicense": "The Unlicense",
    "MPL-2.0": "Mozilla Public License 2.0",
    "EPL-2.0": "Eclipse Public License 2.0",
    "EUPL-1.2": "European Union Public License 1.2",
    "LGPL-2.1-only": "GNU Lesser General Public License v2.1 only",
    "LGPL-2.1-or-later": "GNU Lesser General Public License v2.1 or later",
    "LGPL-3.0-only": "GNU Lesser General Public License v3.0 only",
    "LGPL-3.0-or-later": "GNU Lesser General Public License v3.0 or later",
    "GPL-2.0-only": "GNU General Public License v2.0 only",
    "GPL-2.0-or-later": "GNU General Public License v2.0 or later",
    "GPL-3.0-only": "GNU General Public License v3.0 only",
    "GPL-3.0-or-later": "GNU General Public License v3.0 or later",
    "AGPL-3.0-only": "GNU Affero General Public License v3.0 only",
    "AGPL-3.0-or-later": "GNU Affero General Public License v3.0 or later",
    "Artistic-2.0": "Artistic License 2.0",
    "UPL-1.0": "Universal Permissive License v1.0",
    "PostgreSQL": "PostgreSQL License",
}
LICENSE_MAX_LENGTH = 32  # the longest SPDX id above fits, with room for additions


def is_osi_license(spdx_id: str) -> bool:
    return spdx_id in OSI_LICENSES


def license_choices(*, blank_label: str | None = None) -> list[tuple[str, str]]:
    """(SPDX id, "id: name") pairs for forms and the API, optionally led by an empty choice."""
    choices = [(spdx_id, f"{spdx_id}: {name}") for spdx_id, name in OSI_LICENSES.items()]
    return [("", blank_label), *choices] if blank_label is not None else choices


def license_name(spdx_id: str) -> str:
    return OSI_LICENSES.get(spdx_id, "")
