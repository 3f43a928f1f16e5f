from .vietnamese import VietnameseAdminMixin


class FoldedSearchMixin(VietnameseAdminMixin):
    """Admin search without diacritics ("tu phap" finds "Sở Tư pháp") on any database, in
    the folded copy of its searchable text the model keeps in `search_text` (indexed).

    Every admin searches without diacritics (VietnameseAdminMixin.get_search_results); this
    mixin only makes `search_text` the search field.
    """

    search_fields = ("search_text",)
