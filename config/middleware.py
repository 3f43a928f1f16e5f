"""Vietnamese first: the language is Vietnamese unless the user picked another one."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Like LocaleMiddleware, but ignores the browser's Accept-Language header.

    Staff machines often run English browsers; the app must still speak Vietnamese.
    English stays one click away through the language switcher (set_language cookie).
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The response is rendered by now: give the thread back its default language, so
        # that code running after a request (a worker, the next test) never speaks the
        # language a previous user picked.
        translation.activate(settings.LANGUAGE_CODE)
        return response
