"""Print what a saved news page reports, as one JSON object (the stable interface for evaluation)."""

import json

from django.core.management.base import BaseCommand, CommandError

from news.extract import PageError, extract_page

PUBLIC_FIELDS = (
    "title",
    "published_at",
    "views",
    "source",
    "author",
    "editor",
    "column",
    "event_dates",
    "event_type",
    "institutions",
    "people",
    "body",
)


class Command(BaseCommand):
    help = "Extract title, dates, people, units and body from one saved page (HTML or text) and print JSON."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--all", action="store_true", help="also print images, party organisations, warnings")

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as handle:
                data = handle.read()
            result = extract_page(data)
        except OSError as error:
            raise CommandError(f"无法读取文件：{error}") from error
        except PageError as error:
            raise CommandError(str(error)) from error
        if not options["all"]:
            result = {key: result[key] for key in PUBLIC_FIELDS}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
