"""Reads an iCalendar file on stdin and prints what python-icalendar
understands of it, as JSON (the same shape as icaljs.mjs)."""
import json
import sys
from datetime import timezone

import icalendar


def addr(p):
    return str(p) if p is not None else None


def main():
    cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
    events = []
    for v in cal.walk("VEVENT"):
        start = v.decoded("DTSTART")
        end = v.decoded("DTEND")
        atts = v.get("ATTENDEE", [])
        if not isinstance(atts, list):
            atts = [atts]
        org = v.get("ORGANIZER")
        events.append({
            "uid": str(v.get("UID")),
            "sequence": int(v.get("SEQUENCE", 0)),
            "status": str(v.get("STATUS")) if v.get("STATUS") else None,
            "summary": str(v.get("SUMMARY")),
            "location": str(v.get("LOCATION")) if v.get("LOCATION") else None,
            "description": str(v.get("DESCRIPTION")) if v.get("DESCRIPTION") else None,
            "url": str(v.get("URL")) if v.get("URL") else None,
            "start": start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "end": end.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "organizer": {"cn": org.params.get("CN"), "address": addr(org)} if org is not None else None,
            "attendees": [{"cn": a.params.get("CN"), "address": addr(a), "role": a.params.get("ROLE"),
                           "partstat": a.params.get("PARTSTAT"), "rsvp": a.params.get("RSVP")} for a in atts],
            "alarms": len(v.walk("VALARM")),
        })
    print(json.dumps({
        "method": str(cal.get("METHOD")) if cal.get("METHOD") else None,
        "name": str(cal.get("X-WR-CALNAME")) if cal.get("X-WR-CALNAME") else None,
        "timezones": len(cal.walk("VTIMEZONE")),
        "events": events,
    }))


if __name__ == "__main__":
    main()
