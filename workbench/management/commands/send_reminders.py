from django.core.management.base import BaseCommand

from workbench import reminders


class Command(BaseCommand):
    help = "发送定时提醒消息：明天的会议、预备期届满、任期届满（每日由后台任务运行，可重复运行）"

    def handle(self, *args, **options):
        sent = reminders.send_all()
        self.stdout.write(
            f"会议提醒 {sent['meetings']} 条，预备期提醒 {sent['probations']} 条，任期提醒 {sent['terms']} 条"
        )
