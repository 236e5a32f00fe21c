// Reads an iCalendar file on stdin and prints what ical.js (Thunderbird's
// parser) understands of it, as JSON. Exits 1 when ical.js refuses it.
import ICAL from "ical.js";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const text = Buffer.concat(chunks).toString("utf8");

try {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const tz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(tz);
  }
  const param = (p, name) => (p ? p.getParameter(name) ?? null : null);
  const events = root.getAllSubcomponents("vevent").map((v) => {
    const ev = new ICAL.Event(v);
    const org = v.getFirstProperty("organizer");
    return {
      uid: ev.uid,
      sequence: ev.sequence,
      status: v.getFirstPropertyValue("status"),
      summary: ev.summary,
      location: ev.location,
      description: ev.description,
      url: v.getFirstPropertyValue("url"),
      start: ev.startDate.toJSDate().toISOString(),
      end: ev.endDate.toJSDate().toISOString(),
      startTZ: ev.startDate.zone ? ev.startDate.zone.tzid : null,
      organizer: org ? { cn: param(org, "cn"), address: org.getFirstValue() } : null,
      attendees: v.getAllProperties("attendee").map((a) => ({
        cn: param(a, "cn"), address: a.getFirstValue(), role: param(a, "role"),
        partstat: param(a, "partstat"), rsvp: param(a, "rsvp"),
      })),
      alarms: v.getAllSubcomponents("valarm").length,
    };
  });
  process.stdout.write(JSON.stringify({
    method: root.getFirstPropertyValue("method"),
    name: root.getFirstPropertyValue("x-wr-calname"),
    timezones: root.getAllSubcomponents("vtimezone").length,
    events,
  }));
} catch (e) {
  process.stderr.write(String(e));
  process.exit(1);
}
