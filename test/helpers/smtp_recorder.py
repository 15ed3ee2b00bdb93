"""A real SMTP server for Weir's notification tests (aiosmtpd): records each message it accepts
as one JSON line in the file given, refuses recipients nobody@… with 550 and later@… with 451.
Usage: smtp_recorder.py PORT OUTFILE. Prints "ready" once listening; runs until killed."""
import json
import signal
import sys

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path):
        self.path = path

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user here"
        if address.startswith("later@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "data": envelope.content.decode("utf8", "replace")}
        with open(self.path, "a", encoding="utf8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def main():
    port = int(sys.argv[1])
    controller = Controller(Recorder(sys.argv[2]), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    signal.pause()


if __name__ == "__main__":
    main()
