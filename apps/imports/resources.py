"""Master data in and out of the admin (django-import-export): units, users' units and
roles, indicator taxonomies. Each resource lives with its model (apps/units,
apps/accounts, apps/indicators) so those apps need not import this one; the widgets
are in apps/core/import_widgets.py. Passwords never leave or enter through these files."""

from apps.accounts.resources import UserResource
from apps.indicators.resources import TaxonomyResource
from apps.units.resources import UnitResource

__all__ = ["TaxonomyResource", "UnitResource", "UserResource"]
