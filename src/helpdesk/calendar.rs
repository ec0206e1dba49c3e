//! Business-hours arithmetic for SLA deadlines.
//!
//! A [`WorkingCalendar`] says when the helpdesk works: weekly hours in local wall time, a time zone and the
//! dates it is closed. [`WorkingCalendar::due`] turns "so many seconds of working time" into an instant,
//! skipping nights, weekends, holidays and the periods a ticket was pending, and returns the stretches it
//! counted so a deadline can be explained to whoever asks why it is what it is.
//!
//! Weekly hours are turned into real instants one local day at a time, so daylight-saving changes behave like
//! the office clock on the wall: on spring-forward days a time inside the skipped hour means the moment the
//! clocks jump, and on fall-back days an interval covers every instant its wall-clock span covers (a
//! 00:00-24:00 day lasts 23 or 25 real hours). Working time is always counted in real elapsed seconds.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone,
    Utc,
};
use chrono_tz::Tz;
use serde::Serialize;

/// Minutes in a wall-clock day; also the "24:00" end of a day's hours.
const MINUTES_PER_DAY: u16 = 1440;
/// Day names in the order of [`WorkingCalendar::week`].
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// The spec text for "every day, all day".
const ALWAYS: &str = "24/7";
/// How far [`WorkingCalendar::due`] looks for working time before giving up with [`Due::Never`].
const HORIZON_MONTHS: u32 = 120;

/// A half-open `[from, to)` stretch of real time.
type Span = (DateTime<Utc>, DateTime<Utc>);
/// A half-open `[start, end)` range of minutes from local midnight.
type Minutes = (u16, u16);
/// The weekdays a clause applies to, indexed like [`WorkingCalendar::week`].
type Weekdays = [bool; 7];

/// Working hours of one weekday, as minutes from local midnight, [start, end), sorted, non-overlapping; end may
/// be 1440 (midnight next day).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayHours(pub Vec<(u16, u16)>);

/// When a team works: weekly hours in local time, its time zone and the dates it is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    pub time_zone: Tz,
    /// Index 0 = Monday ... 6 = Sunday.
    pub week: [DayHours; 7],
    /// Local dates that are not worked (public holidays, closures).
    pub holidays: BTreeSet<NaiveDate>,
}

/// A period the clock is stopped (pending). `end: None` = still paused.
///
/// A pause whose end is not after its start stops nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

/// A stretch of working time that counted toward a delay (for "how was this computed").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The outcome of [`WorkingCalendar::due`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Due {
    /// The instant the delay runs out, with the stretches of working time that made it up (ordered, disjoint,
    /// touching stretches merged).
    At { due: DateTime<Utc>, counted: Vec<Counted> },
    /// The clock is stopped by a pause with no end that started before the delay ran out; `remaining` seconds of
    /// working time are left.
    Paused { remaining: i64 },
    /// The delay cannot run out within 10 years of the start: the calendar has no (or too little) working time.
    Never,
}

impl WorkingCalendar {
    /// Parse "mon-fri 09:00-12:00,14:00-18:00; sat 09:00-12:00" style text (day ranges and lists like "mon,wed",
    /// "24/7" for always). Return Err(String) naming what is wrong for an invalid spec (unknown day, 25:00, end
    /// before start, overlapping).
    ///
    /// Day names are case-insensitive and ranges may wrap around the week ("sun-thu"). A day named in several
    /// clauses gets all their hours; touching intervals are merged so that every week has one canonical text.
    /// Days never named are closed, so an empty spec is a calendar that never works.
    pub fn parse_week(spec: &str) -> Result<[DayHours; 7], String> {
        let mut hours: [Vec<Minutes>; 7] = Default::default();
        for clause in spec.split(';').map(str::trim).filter(|clause| !clause.is_empty()) {
            let (days, ranges) = parse_clause(clause)?;
            for (day_hours, _) in hours.iter_mut().zip(days).filter(|(_, selected)| *selected) {
                day_hours.extend_from_slice(&ranges);
            }
        }
        let mut week: [DayHours; 7] = Default::default();
        for ((day, ranges), name) in week.iter_mut().zip(hours).zip(DAY_NAMES) {
            *day = normalize_day(name, ranges)?;
        }
        Ok(week)
    }

    /// Format a week back to the same canonical text (round-trips with parse_week).
    ///
    /// Days with identical hours share a clause, in the order of their first day; three or more consecutive
    /// days are written as a range.
    pub fn format_week(week: &[DayHours; 7]) -> String {
        if week.iter().all(|day| day.0 == [(0, MINUTES_PER_DAY)]) {
            return ALWAYS.to_owned();
        }
        let mut written = [false; 7];
        let mut clauses = Vec::new();
        for (index, day) in week.iter().enumerate() {
            if written[index] || day.0.is_empty() {
                continue;
            }
            let same: Vec<usize> = (index..week.len()).filter(|&other| week[other] == *day).collect();
            for &other in &same {
                written[other] = true;
            }
            clauses.push(format!("{} {}", format_days(&same), format_ranges(&day.0)));
        }
        clauses.join("; ")
    }

    /// The working intervals (UTC) intersecting [from, to), in order, holidays removed.
    ///
    /// Intervals are clipped to `[from, to)` and merged where they touch or overlap (across midnight, or on a
    /// fall-back day where two wall-clock intervals share real time), so each gap between them is real
    /// non-working time.
    pub fn working_intervals(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        Coalesce { spans: self.spans(from, to), pending: None }.collect()
    }

    /// Working seconds in [from, to) (0 if to <= from).
    pub fn working_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.spans(from, to).map(|(start, end)| end - start).sum::<TimeDelta>().num_seconds()
    }

    /// When `delay_seconds` of working time, not counting paused time, have elapsed since `start`.
    /// delay 0 => due at `start` moved forward to the next working instant that is not paused (or `start` itself
    /// if it is working).
    /// Pauses may overlap, be unsorted, start before `start`, or lie after the due date (then they don't matter).
    ///
    /// A negative delay counts as 0. When the delay runs out exactly at the end of a working stretch, the due
    /// date is that end (Friday 18:00, not Monday 09:00).
    pub fn due(&self, start: DateTime<Utc>, delay_seconds: i64, pauses: &[Pause]) -> Due {
        let Some(delay) = TimeDelta::try_seconds(delay_seconds.max(0)) else {
            // Hundreds of millions of years: far beyond the horizon.
            return Due::Never;
        };
        let limit = start.checked_add_months(Months::new(HORIZON_MONTHS)).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let stops = Stops::new(pauses);
        // Nothing after the start of an open pause counts, so the walk ends there.
        let horizon = stops.open_from.map_or(limit, |open| open.max(start).min(limit));
        let mut remaining = delay;
        let mut counted: Vec<Counted> = Vec::new();
        for (from, to) in (Unpaused { spans: self.spans(start, horizon), pauses: &stops.closed, rest: None }) {
            let length = to - from;
            if remaining <= length {
                let due = from + remaining;
                if due > from {
                    push_counted(&mut counted, from, due);
                }
                return Due::At { due, counted };
            }
            push_counted(&mut counted, from, to);
            remaining -= length;
        }
        match stops.open_from {
            Some(open) if open < limit => Due::Paused { remaining: seconds_rounded_up(remaining) },
            _ => Due::Never,
        }
    }

    /// Working time in `[from, until)` as ordered, disjoint, non-empty spans, walking one local day at a time.
    ///
    /// Spans are not merged across midnight: `due` stops at the first span that uses up the delay, and merging
    /// would make it look ahead through the whole horizon of a 24/7 calendar.
    fn spans(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> impl Iterator<Item = Span> + '_ {
        // A day's hours may end after the next local midnight (24:00, or a fall-back at midnight), so the walk
        // starts the day before `from`.
        let first = local_date(self.time_zone, from);
        let first = first.pred_opt().unwrap_or(first);
        let last = local_date(self.time_zone, until);
        let last = last.succ_opt().unwrap_or(last);
        let any_hours = from < until && self.week.iter().any(|day| !day.0.is_empty());
        let mut covered_until = from;
        first
            .iter_days()
            .take_while(move |date| any_hours && *date <= last)
            .flat_map(move |date| self.day_spans(date))
            .filter_map(move |(start, end)| {
                // Drops what lies before `from` and what a previous interval already covered (fall-back days).
                let start = start.max(covered_until);
                if start >= end {
                    return None;
                }
                covered_until = end;
                Some((start, end))
            })
            .take_while(move |&(start, _)| start < until)
            .map(move |(start, end)| (start, end.min(until)))
    }

    /// The working intervals of one local date in real time, in order, none on holidays.
    fn day_spans(&self, date: NaiveDate) -> impl Iterator<Item = Span> + '_ {
        let hours = self.week[weekday_index(date)].0.as_slice();
        let hours = if hours.is_empty() || self.holidays.contains(&date) { &[] } else { hours };
        let zone = self.time_zone;
        hours.iter().filter_map(move |&(start, end)| {
            let start = local_to_utc(zone, date, start, Edge::Start)?;
            let end = local_to_utc(zone, date, end, Edge::End)?;
            (start < end).then_some((start, end))
        })
    }
}

/// France's public holidays of a year: Jan 1, Easter Monday, May 1, May 8, Ascension (Easter+39), Whit Monday
/// (Easter+50), Jul 14, Aug 15, Nov 1, Nov 11, Dec 25. Easter by the anonymous Gregorian algorithm.
///
/// Sorted by date; empty for years chrono cannot represent.
pub fn french_holidays(year: i32) -> Vec<NaiveDate> {
    const FIXED: [(u32, u32); 8] = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    const AFTER_EASTER: [u64; 3] = [1, 39, 50];
    let movable = easter_sunday(year)
        .into_iter()
        .flat_map(|easter| AFTER_EASTER.map(|days| easter.checked_add_days(Days::new(days))));
    let mut holidays: Vec<NaiveDate> =
        FIXED.iter().map(|&(month, day)| NaiveDate::from_ymd_opt(year, month, day)).chain(movable).flatten().collect();
    holidays.sort_unstable();
    holidays
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let (b, c) = (y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Which end of a wall-clock interval is being converted; they resolve fall-back ambiguity differently so that
/// an interval covers its whole wall-clock span.
#[derive(Debug, Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// The real instant of `minute` minutes after local midnight of `date` (1440 = next midnight).
///
/// A wall time skipped by spring-forward maps to the instant the clocks jump; a wall time that happens twice
/// maps to its first occurrence for a start and its second for an end.
fn local_to_utc(zone: Tz, date: NaiveDate, minute: u16, edge: Edge) -> Option<DateTime<Utc>> {
    let local = date.and_time(NaiveTime::MIN).checked_add_signed(TimeDelta::minutes(minute.into()))?;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Some(instant.to_utc()),
        LocalResult::Ambiguous(first, second) => {
            let (first, second) = (first.to_utc(), second.to_utc());
            Some(match edge {
                Edge::Start => first.min(second),
                Edge::End => first.max(second),
            })
        }
        LocalResult::None => gap_end(zone, local),
    }
}

/// The instant a spring-forward gap containing the wall time `local` ends: the first instant whose wall time is
/// `local` or later.
///
/// chrono-tz does not expose transitions, so this bisects real time around `local`. Offsets stay within ±26
/// hours of UTC, so the bracket holds the answer, and with a one-second resolution it takes 18 steps; it only
/// runs for times inside a gap.
fn gap_end(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    const BRACKET_SECONDS: i64 = 26 * 3600;
    let target = local.and_utc().timestamp();
    let wall_clock = |timestamp: i64| -> Option<i64> {
        let instant = DateTime::from_timestamp(timestamp, 0)?;
        let offset = zone.offset_from_utc_datetime(&instant.naive_utc()).fix().local_minus_utc();
        Some(timestamp + i64::from(offset))
    };
    // Invariant: wall_clock(before) < target <= wall_clock(after).
    let (mut before, mut after) = (target - BRACKET_SECONDS, target + BRACKET_SECONDS);
    while after - before > 1 {
        let middle = before + (after - before) / 2;
        if wall_clock(middle)? >= target {
            after = middle;
        } else {
            before = middle;
        }
    }
    DateTime::from_timestamp(after, 0)
}

/// The local date of an instant in a time zone.
fn local_date(zone: Tz, instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&zone).date_naive()
}

/// Index into [`WorkingCalendar::week`] of a date's weekday.
fn weekday_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

/// Appends a counted stretch, extending the previous one when they touch so that a 24/7 calendar explains a
/// three-day delay as one stretch rather than one per day.
fn push_counted(counted: &mut Vec<Counted>, from: DateTime<Utc>, to: DateTime<Utc>) {
    match counted.last_mut() {
        Some(last) if last.to == from => last.to = to,
        _ => counted.push(Counted { from, to }),
    }
}

/// Whole seconds in a non-negative duration, rounding a fraction up so that "0 seconds left" means done.
fn seconds_rounded_up(duration: TimeDelta) -> i64 {
    let seconds = duration.num_seconds();
    if duration.subsec_nanos() > 0 { seconds + 1 } else { seconds }
}

/// The pauses of a ticket, reduced to what the walk needs.
struct Stops {
    /// Closed pauses, sorted, merged and non-empty.
    closed: Vec<Span>,
    /// Start of the earliest open pause: from there on nothing counts.
    open_from: Option<DateTime<Utc>>,
}

impl Stops {
    fn new(pauses: &[Pause]) -> Self {
        let open_from = pauses.iter().filter(|pause| pause.end.is_none()).map(|pause| pause.start).min();
        let mut spans: Vec<Span> = pauses
            .iter()
            .filter_map(|pause| pause.end.map(|end| (pause.start, end)))
            .filter(|(start, end)| start < end)
            .collect();
        spans.sort_unstable();
        let mut closed: Vec<Span> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match closed.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => closed.push((start, end)),
            }
        }
        Stops { closed, open_from }
    }
}

/// Merges ordered spans that touch or overlap.
struct Coalesce<I> {
    spans: I,
    pending: Option<Span>,
}

impl<I: Iterator<Item = Span>> Iterator for Coalesce<I> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        let (start, mut end) = self.pending.take().or_else(|| self.spans.next())?;
        for (next_start, next_end) in self.spans.by_ref() {
            if next_start > end {
                self.pending = Some((next_start, next_end));
                break;
            }
            end = end.max(next_end);
        }
        Some((start, end))
    }
}

/// Cuts paused time out of ordered, disjoint spans. `pauses` must be sorted and disjoint.
struct Unpaused<'p, I> {
    spans: I,
    pauses: &'p [Span],
    /// The part of the current span after a pause, still to be cut by later pauses.
    rest: Option<Span>,
}

impl<I: Iterator<Item = Span>> Iterator for Unpaused<'_, I> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        loop {
            let (start, end) = self.rest.take().or_else(|| self.spans.next())?;
            // Spans only move forward, so pauses over before this one are done with for good.
            let over = self.pauses.iter().take_while(|(_, pause_end)| *pause_end <= start).count();
            self.pauses = self.pauses.get(over..).unwrap_or_default();
            match self.pauses.first() {
                Some(&(pause_start, pause_end)) if pause_start < end => {
                    if pause_end < end {
                        self.rest = Some((pause_end, end));
                    }
                    if start < pause_start {
                        return Some((start, pause_start));
                    }
                }
                _ => return Some((start, end)),
            }
        }
    }
}

/// Parses one "days hours" clause into the selected weekdays and their intervals.
fn parse_clause(clause: &str) -> Result<(Weekdays, Vec<Minutes>), String> {
    if clause.eq_ignore_ascii_case(ALWAYS) {
        return Ok(([true; 7], vec![(0, MINUTES_PER_DAY)]));
    }
    // Day names hold no digits, so the hours start at the first one.
    let split = clause.find(|c: char| c.is_ascii_digit()).ok_or_else(|| format!("no hours in '{clause}'"))?;
    let (days, ranges) = clause.split_at(split);
    let days = days.trim();
    if days.is_empty() {
        return Err(format!("no days before '{ranges}'"));
    }
    let ranges = ranges.split(',').map(|range| parse_range(range.trim())).collect::<Result<_, _>>()?;
    Ok((parse_days(days)?, ranges))
}

/// Parses "mon-fri", "mon,wed", "sat-mon" into the set of weekdays they name.
fn parse_days(text: &str) -> Result<Weekdays, String> {
    let mut selected = [false; 7];
    for item in text.split(',').map(str::trim) {
        let (first, last) = match item.split_once('-') {
            Some((first, last)) => (parse_day(first)?, parse_day(last)?),
            None => (parse_day(item)?, parse_day(item)?),
        };
        let mut day = first;
        loop {
            selected[day] = true;
            if day == last {
                break;
            }
            day = (day + 1) % DAY_NAMES.len();
        }
    }
    Ok(selected)
}

/// Index of a three-letter day name, case-insensitive.
fn parse_day(name: &str) -> Result<usize, String> {
    let name = name.trim();
    DAY_NAMES
        .iter()
        .position(|day| day.eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("unknown day '{name}' (expected mon, tue, wed, thu, fri, sat or sun)"))
}

/// Parses "09:00-18:00" into minutes from midnight.
fn parse_range(text: &str) -> Result<Minutes, String> {
    let (start, end) = text.split_once('-').ok_or_else(|| format!("'{text}' is not a time range like 09:00-18:00"))?;
    let (start, end) = (parse_time(start.trim())?, parse_time(end.trim())?);
    match start.cmp(&end) {
        std::cmp::Ordering::Less => Ok((start, end)),
        std::cmp::Ordering::Equal => Err(format!("time range '{text}' is empty")),
        std::cmp::Ordering::Greater => Err(format!("time range '{text}' ends before it starts")),
    }
}

/// Parses "H:MM" or "HH:MM", from 00:00 to 24:00, into minutes from midnight.
fn parse_time(text: &str) -> Result<u16, String> {
    let invalid = || format!("invalid time '{text}' (expected HH:MM from 00:00 to 24:00)");
    let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if !(1..=2).contains(&hours.len()) || minutes.len() != 2 || !digits(hours) || !digits(minutes) {
        return Err(invalid());
    }
    let hours: u16 = hours.parse().map_err(|_| invalid())?;
    let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
    let total = hours * 60 + minutes;
    if minutes < 60 && total <= MINUTES_PER_DAY { Ok(total) } else { Err(invalid()) }
}

/// Sorts a day's intervals, rejects overlaps and merges touching ones.
fn normalize_day(day: &str, mut ranges: Vec<Minutes>) -> Result<DayHours, String> {
    ranges.sort_unstable();
    let mut merged: Vec<Minutes> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start < last.1 => {
                return Err(format!(
                    "overlapping hours on {day}: {} and {}",
                    format_range(*last),
                    format_range((start, end))
                ));
            }
            Some(last) if start == last.1 => last.1 = end,
            _ => merged.push((start, end)),
        }
    }
    Ok(DayHours(merged))
}

/// "mon-fri", "sat,sun", "mon,wed-fri": runs of three or more days become ranges.
fn format_days(days: &[usize]) -> String {
    let mut parts = Vec::new();
    for run in days.chunk_by(|a, b| *b == a + 1) {
        match run {
            [first, .., last] if run.len() >= 3 => parts.push(format!("{}-{}", DAY_NAMES[*first], DAY_NAMES[*last])),
            _ => parts.extend(run.iter().map(|&day| DAY_NAMES[day].to_owned())),
        }
    }
    parts.join(",")
}

fn format_ranges(ranges: &[Minutes]) -> String {
    ranges.iter().map(|&range| format_range(range)).collect::<Vec<_>>().join(",")
}

fn format_range((start, end): Minutes) -> String {
    format!("{}-{}", format_time(start), format_time(end))
}

fn format_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz::{America__New_York, Asia__Kolkata, Europe__Paris, UTC};
    use proptest::prelude::*;

    const HOUR: i64 = 3600;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    /// A Paris wall-clock time that exists exactly once.
    fn paris(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Europe__Paris.with_ymd_and_hms(year, month, day, hour, minute, 0).single().expect("unambiguous time").to_utc()
    }

    fn calendar(zone: Tz, spec: &str, holidays: impl IntoIterator<Item = NaiveDate>) -> WorkingCalendar {
        let week = WorkingCalendar::parse_week(spec).expect("valid test spec");
        WorkingCalendar { time_zone: zone, week, holidays: holidays.into_iter().collect() }
    }

    /// Mon-Fri 09:00-18:00 in Paris, with the French holidays of 2026.
    fn office() -> WorkingCalendar {
        calendar(Europe__Paris, "mon-fri 09:00-18:00", french_holidays(2026))
    }

    fn due_at(due: Due) -> DateTime<Utc> {
        match due {
            Due::At { due, .. } => due,
            other => panic!("expected a due date, got {other:?}"),
        }
    }

    fn counted(from: DateTime<Utc>, to: DateTime<Utc>) -> Counted {
        Counted { from, to }
    }

    #[test]
    fn friday_evening_ticket_is_due_monday_morning() {
        let due = office().due(paris(2026, 1, 9, 17, 0), 2 * HOUR, &[]);
        let expected = vec![
            counted(paris(2026, 1, 9, 17, 0), paris(2026, 1, 9, 18, 0)),
            counted(paris(2026, 1, 12, 9, 0), paris(2026, 1, 12, 10, 0)),
        ];
        assert_eq!(due, Due::At { due: paris(2026, 1, 12, 10, 0), counted: expected });
    }

    #[test]
    fn weekend_ticket_starts_counting_monday() {
        assert_eq!(due_at(office().due(paris(2026, 1, 10, 11, 30), HOUR, &[])), paris(2026, 1, 12, 10, 0));
    }

    #[test]
    fn delay_ending_with_the_day_is_due_at_closing_time() {
        assert_eq!(due_at(office().due(paris(2026, 1, 9, 17, 0), HOUR, &[])), paris(2026, 1, 9, 18, 0));
    }

    #[test]
    fn holidays_are_skipped() {
        // 2026-05-01 and 2026-05-08 are Fridays.
        assert_eq!(due_at(office().due(paris(2026, 4, 30, 17, 0), 2 * HOUR, &[])), paris(2026, 5, 4, 10, 0));
        assert_eq!(due_at(office().due(paris(2026, 5, 7, 17, 0), 2 * HOUR, &[])), paris(2026, 5, 11, 10, 0));
        let no_holidays = calendar(Europe__Paris, "mon-fri 09:00-18:00", []);
        assert_eq!(due_at(no_holidays.due(paris(2026, 4, 30, 17, 0), 2 * HOUR, &[])), paris(2026, 5, 1, 10, 0));
    }

    #[test]
    fn pause_pushes_due_by_its_working_time() {
        let start = paris(2026, 1, 12, 9, 0);
        assert_eq!(due_at(office().due(start, 8 * HOUR, &[])), paris(2026, 1, 12, 17, 0));
        let pause = Pause { start: paris(2026, 1, 12, 10, 0), end: Some(paris(2026, 1, 12, 13, 0)) };
        let due = office().due(start, 8 * HOUR, &[pause]);
        let expected = vec![
            counted(paris(2026, 1, 12, 9, 0), paris(2026, 1, 12, 10, 0)),
            counted(paris(2026, 1, 12, 13, 0), paris(2026, 1, 12, 18, 0)),
            counted(paris(2026, 1, 13, 9, 0), paris(2026, 1, 13, 11, 0)),
        ];
        assert_eq!(due, Due::At { due: paris(2026, 1, 13, 11, 0), counted: expected });
    }

    #[test]
    fn overlapping_unsorted_pauses_count_once() {
        let start = paris(2026, 1, 12, 9, 0);
        let pauses = [
            Pause { start: paris(2026, 1, 12, 11, 0), end: Some(paris(2026, 1, 12, 13, 0)) },
            Pause { start: paris(2026, 1, 12, 8, 0), end: Some(paris(2026, 1, 12, 10, 0)) },
            Pause { start: paris(2026, 1, 12, 10, 0), end: Some(paris(2026, 1, 12, 12, 0)) },
        ];
        assert_eq!(due_at(office().due(start, 8 * HOUR, &pauses)), paris(2026, 1, 13, 12, 0));
    }

    #[test]
    fn pause_after_due_changes_nothing() {
        let start = paris(2026, 1, 12, 9, 0);
        let expected = office().due(start, 8 * HOUR, &[]);
        let closed = Pause { start: paris(2026, 1, 13, 9, 0), end: Some(paris(2026, 1, 13, 12, 0)) };
        let open = Pause { start: paris(2026, 1, 12, 17, 0), end: None };
        assert_eq!(office().due(start, 8 * HOUR, &[closed, open]), expected);
    }

    #[test]
    fn open_pause_before_due_reports_remaining() {
        let start = paris(2026, 1, 12, 9, 0);
        let open = Pause { start: paris(2026, 1, 12, 12, 0), end: None };
        assert_eq!(office().due(start, 8 * HOUR, &[open]), Due::Paused { remaining: 5 * HOUR });
        let before_start = Pause { start: paris(2026, 1, 9, 12, 0), end: None };
        assert_eq!(office().due(start, 8 * HOUR, &[before_start]), Due::Paused { remaining: 8 * HOUR });
    }

    #[test]
    fn zero_delay_waits_for_the_next_working_instant() {
        let working = paris(2026, 1, 12, 10, 15);
        assert_eq!(office().due(working, 0, &[]), Due::At { due: working, counted: vec![] });
        assert_eq!(due_at(office().due(paris(2026, 1, 10, 10, 0), 0, &[])), paris(2026, 1, 12, 9, 0));
        assert_eq!(due_at(office().due(paris(2026, 1, 9, 18, 0), 0, &[])), paris(2026, 1, 12, 9, 0));
        let pause = Pause { start: paris(2026, 1, 12, 10, 0), end: Some(paris(2026, 1, 12, 11, 0)) };
        assert_eq!(due_at(office().due(working, 0, &[pause])), paris(2026, 1, 12, 11, 0));
        assert_eq!(due_at(office().due(working, -5, &[])), working);
    }

    #[test]
    fn round_the_clock_counts_real_hours_across_spring_forward() {
        let always = calendar(Europe__Paris, "24/7", []);
        let due = always.due(paris(2026, 3, 28, 12, 0), 24 * HOUR, &[]);
        let expected = vec![counted(paris(2026, 3, 28, 12, 0), paris(2026, 3, 29, 13, 0))];
        assert_eq!(due, Due::At { due: paris(2026, 3, 29, 13, 0), counted: expected });
    }

    #[test]
    fn round_the_clock_counts_real_hours_across_fall_back() {
        let always = calendar(Europe__Paris, "24/7", []);
        assert_eq!(due_at(always.due(paris(2026, 10, 24, 12, 0), 24 * HOUR, &[])), paris(2026, 10, 25, 11, 0));
    }

    #[test]
    fn whole_days_last_23_and_25_hours_on_dst_changes() {
        let always = calendar(Europe__Paris, "24/7", []);
        let sundays = calendar(Europe__Paris, "sun 00:00-24:00", []);
        for cal in [always, sundays] {
            let spring = cal.working_seconds_between(paris(2026, 3, 29, 0, 0), paris(2026, 3, 30, 0, 0));
            let autumn = cal.working_seconds_between(paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0));
            assert_eq!((spring, autumn), (23 * HOUR, 25 * HOUR));
        }
        let sundays = calendar(Europe__Paris, "sun 00:00-24:00", []);
        let autumn = sundays.working_intervals(paris(2026, 10, 24, 0, 0), paris(2026, 10, 27, 0, 0));
        assert_eq!(autumn, vec![(paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0))]);
    }

    #[test]
    fn office_hours_are_nine_hours_on_dst_days() {
        let every_day = calendar(Europe__Paris, "mon-sun 09:00-18:00", []);
        for day in [date(2026, 3, 29), date(2026, 10, 25)] {
            let (from, to) = (paris(2026, day.month(), day.day(), 0, 0), paris(2026, day.month(), day.day(), 23, 0));
            assert_eq!(every_day.working_seconds_between(from, to), 9 * HOUR, "{day}");
        }
    }

    #[test]
    fn hours_inside_the_spring_gap_start_when_it_ends() {
        let night = calendar(Europe__Paris, "sun 02:00-04:00", []);
        let intervals = night.working_intervals(paris(2026, 3, 28, 0, 0), paris(2026, 3, 30, 0, 0));
        assert_eq!(intervals, vec![(paris(2026, 3, 29, 3, 0), paris(2026, 3, 29, 4, 0))]);
        let inside = calendar(Europe__Paris, "sun 02:10-02:40", []);
        assert_eq!(inside.working_seconds_between(paris(2026, 3, 28, 0, 0), paris(2026, 3, 30, 0, 0)), 0);
    }

    #[test]
    fn ambiguous_fall_back_hours_cover_both_passes() {
        let (from, to) = (paris(2026, 10, 24, 0, 0), paris(2026, 10, 26, 0, 0));
        let night = calendar(Europe__Paris, "sun 02:00-03:00", []);
        assert_eq!(night.working_seconds_between(from, to), 2 * HOUR);
        let quarter = calendar(Europe__Paris, "sun 02:30-02:45", []);
        assert_eq!(quarter.working_seconds_between(from, to), 75 * 60);
        // 00:00-02:30 ends on the second 02:30 and 02:45-04:00 starts on the first 02:45: their real time
        // overlaps, and is counted once.
        let split = calendar(Europe__Paris, "sun 00:00-02:30; sun 02:45-04:00", []);
        assert_eq!(split.working_intervals(from, to), vec![(paris(2026, 10, 25, 0, 0), paris(2026, 10, 25, 4, 0))]);
        assert_eq!(split.working_seconds_between(from, to), 5 * HOUR);
    }

    #[test]
    fn working_intervals_are_clipped_and_merged_across_midnight() {
        let nights = calendar(UTC, "mon-fri 18:00-24:00; tue-sat 00:00-06:00", []);
        let monday = Utc.with_ymd_and_hms(2026, 1, 12, 20, 0, 0).single().expect("valid UTC time");
        let intervals = nights.working_intervals(monday, monday + TimeDelta::days(1));
        let at = |day: u32, hour: u32| Utc.with_ymd_and_hms(2026, 1, day, hour, 0, 0).single().expect("valid UTC time");
        assert_eq!(intervals, vec![(at(12, 20), at(13, 6)), (at(13, 18), at(13, 20))]);
        assert!(nights.working_intervals(monday, monday).is_empty());
        assert_eq!(nights.working_seconds_between(monday + TimeDelta::days(1), monday), 0);
    }

    #[test]
    fn no_working_time_is_never() {
        let closed = calendar(Europe__Paris, "", []);
        assert_eq!(closed.due(paris(2026, 1, 12, 9, 0), HOUR, &[]), Due::Never);
        let eleven_years = 11 * 366 * 24 * HOUR;
        assert_eq!(calendar(UTC, "24/7", []).due(paris(2026, 1, 12, 9, 0), eleven_years, &[]), Due::Never);
        assert_eq!(office().due(paris(2026, 1, 12, 9, 0), i64::MAX, &[]), Due::Never);
    }

    #[test]
    fn french_holidays_follow_easter() {
        let holidays = french_holidays(2026);
        assert_eq!(holidays.len(), 11);
        for day in [date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14), date(2026, 12, 25)] {
            assert!(holidays.contains(&day), "{day}");
        }
        assert!(french_holidays(2027).contains(&date(2027, 3, 29)));
        assert_eq!(easter_sunday(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
    }

    #[test]
    fn parse_errors_name_the_bad_part() {
        let error = |spec: &str| WorkingCalendar::parse_week(spec).expect_err(spec);
        assert!(error("mon-fro 09:00-18:00").contains("'fro'"));
        assert!(error("mon 09:00-25:00").contains("'25:00'"));
        assert!(error("mon 09:60-10:00").contains("'09:60'"));
        assert!(error("mon 18:00-09:00").contains("'18:00-09:00' ends before it starts"));
        assert!(error("mon 09:00-09:00").contains("'09:00-09:00' is empty"));
        assert!(error("mon 09:00-12:00,11:00-13:00").contains("overlapping hours on mon: 09:00-12:00 and 11:00-13:00"));
        assert!(error("mon-fri 09:00-12:00; wed 11:00-14:00").contains("on wed"));
        assert!(error("09:00-12:00").contains("no days"));
        assert!(error("mon").contains("no hours in 'mon'"));
        assert!(error("mon 0900").contains("'0900'"));
    }

    #[test]
    fn parse_accepts_lists_ranges_and_wraparound() {
        let week = WorkingCalendar::parse_week(" Sun-Thu 8:00-12:00 ; mon, wed 13:00-17:00 ").expect("valid spec");
        let morning = DayHours(vec![(480, 720)]);
        let both = DayHours(vec![(480, 720), (780, 1020)]);
        let expected =
            [both.clone(), morning.clone(), both, morning.clone(), DayHours::default(), DayHours::default(), morning];
        assert_eq!(week, expected);
        let touching = WorkingCalendar::parse_week("mon 09:00-12:00,12:00-18:00").expect("valid spec");
        assert_eq!(touching[0], DayHours(vec![(540, 1080)]));
    }

    #[test]
    fn format_round_trips_the_canonical_text() {
        for spec in
            ["mon-fri 09:00-12:00,14:00-18:00; sat 09:00-12:00", "24/7", "", "mon,wed 08:00-24:00; sat,sun 00:00-06:00"]
        {
            let week = WorkingCalendar::parse_week(spec).expect("valid spec");
            assert_eq!(WorkingCalendar::format_week(&week), spec);
        }
        let week = WorkingCalendar::parse_week("fri-mon 10:00-11:00").expect("valid spec");
        assert_eq!(WorkingCalendar::format_week(&week), "mon,fri-sun 10:00-11:00");
    }

    // ----- property tests -----

    const ZONES: [Tz; 4] = [Europe__Paris, America__New_York, Asia__Kolkata, UTC];

    /// Local dates of DST changes in Paris and New York, 2025-2027.
    const DST_DAYS: [(i32, u32, u32); 12] = [
        (2025, 3, 9),
        (2025, 3, 30),
        (2025, 10, 26),
        (2025, 11, 2),
        (2026, 3, 8),
        (2026, 3, 29),
        (2026, 10, 25),
        (2026, 11, 1),
        (2027, 3, 14),
        (2027, 3, 28),
        (2027, 10, 31),
        (2027, 11, 7),
    ];

    #[derive(Debug, Clone)]
    struct Scenario {
        calendar: WorkingCalendar,
        start: DateTime<Utc>,
        delay: i64,
        pauses: Vec<Pause>,
    }

    fn instant_at(timestamp: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(timestamp, 0).expect("timestamp in range")
    }

    /// Minutes of a day, biased to quarter hours so that boundaries (and DST gaps) are hit exactly.
    fn minute() -> impl Strategy<Value = u16> {
        prop_oneof![0u16..=MINUTES_PER_DAY, (0u16..=96).prop_map(|quarter| quarter * 15)]
    }

    fn day_hours() -> impl Strategy<Value = DayHours> {
        let random = proptest::collection::btree_set(minute(), 0..=6).prop_map(|bounds| {
            let bounds: Vec<u16> = bounds.into_iter().collect();
            DayHours(bounds.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect())
        });
        prop_oneof![2 => Just(DayHours::default()), 1 => Just(DayHours(vec![(0, MINUTES_PER_DAY)])), 5 => random]
    }

    /// Instants across 2025-2027, half of them within two days of a DST change.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        let first = date(2025, 1, 1).and_time(NaiveTime::MIN).and_utc().timestamp();
        let last = date(2028, 1, 1).and_time(NaiveTime::MIN).and_utc().timestamp();
        let near_dst = (proptest::sample::select(DST_DAYS.to_vec()), -2 * 24 * HOUR..2 * 24 * HOUR).prop_map(
            |((year, month, day), offset)| {
                date(year, month, day).and_time(NaiveTime::MIN).and_utc().timestamp() + offset
            },
        );
        (prop_oneof![first..last, near_dst], any::<bool>())
            .prop_map(|(timestamp, round)| instant_at(if round { timestamp - timestamp % 900 } else { timestamp }))
    }

    fn delay() -> impl Strategy<Value = i64> {
        prop_oneof![1 => Just(0i64), 3 => 1..30 * 24 * HOUR, 3 => (0..=720i64).prop_map(|hours| hours * HOUR)]
    }

    /// A pause relative to the start: (offset, length, open).
    fn pause_spec() -> impl Strategy<Value = (i64, i64, bool)> {
        (-3 * 24 * HOUR..20 * 24 * HOUR, 0..5 * 24 * HOUR, proptest::bool::weighted(0.15))
    }

    fn pause_at(start: DateTime<Utc>, (offset, length, open): (i64, i64, bool)) -> Pause {
        let from = start + TimeDelta::seconds(offset);
        Pause { start: from, end: (!open).then(|| from + TimeDelta::seconds(length)) }
    }

    prop_compose! {
        fn scenario()(
            zone in proptest::sample::select(ZONES.to_vec()),
            week in proptest::array::uniform7(day_hours()),
            start in instant(),
            holiday_offsets in proptest::collection::btree_set(-2i64..40, 0..6),
            delay in delay(),
            pauses in proptest::collection::vec(pause_spec(), 0..4),
        ) -> Scenario {
            let first_day = local_date(zone, start);
            let holidays = holiday_offsets.iter().map(|&offset| first_day + TimeDelta::days(offset)).collect();
            let pauses = pauses.into_iter().map(|spec| pause_at(start, spec)).collect();
            Scenario { calendar: WorkingCalendar { time_zone: zone, week, holidays }, start, delay, pauses }
        }
    }

    /// The due instant, with `None` standing for "not before the end of time" (paused or never).
    fn instant_of(due: &Due) -> Option<DateTime<Utc>> {
        match due {
            Due::At { due, .. } => Some(*due),
            Due::Paused { .. } | Due::Never => None,
        }
    }

    fn not_earlier(later: &Due, earlier: &Due) -> bool {
        match (instant_of(later), instant_of(earlier)) {
            (Some(later), Some(earlier)) => later >= earlier,
            (None, _) => true,
            (Some(_), None) => false,
        }
    }

    fn strictly_inside_a_pause(instant: DateTime<Utc>, pauses: &[Pause]) -> bool {
        pauses.iter().any(|pause| pause.start < instant && pause.end.is_none_or(|end| instant < end))
    }

    /// The union of the pauses within [from, to), sorted.
    fn paused_spans(pauses: &[Pause], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Span> {
        let mut spans: Vec<Span> = pauses
            .iter()
            .map(|pause| (pause.start.max(from), pause.end.unwrap_or(to).min(to)))
            .filter(|(start, end)| start < end)
            .collect();
        spans.sort();
        let mut union: Vec<Span> = Vec::new();
        for (start, end) in spans {
            match union.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => union.push((start, end)),
            }
        }
        union
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn due_lies_in_working_time_outside_pauses(s in scenario()) {
            if let Some(due) = instant_of(&s.calendar.due(s.start, s.delay, &s.pauses)) {
                let second = TimeDelta::seconds(1);
                let around = s.calendar.working_intervals(due - second, due + second);
                prop_assert!(around.iter().any(|&(from, to)| from <= due && due <= to), "{due} not in {around:?}");
                prop_assert!(!strictly_inside_a_pause(due, &s.pauses), "{due} is paused");
            }
        }

        #[test]
        fn due_is_never_before_start(s in scenario()) {
            if let Some(due) = instant_of(&s.calendar.due(s.start, s.delay, &s.pauses)) {
                prop_assert!(due >= s.start);
            }
        }

        #[test]
        fn working_time_minus_paused_time_is_the_delay(s in scenario()) {
            if let Some(due) = instant_of(&s.calendar.due(s.start, s.delay, &s.pauses)) {
                let worked = s.calendar.working_seconds_between(s.start, due);
                let paused: i64 = paused_spans(&s.pauses, s.start, due)
                    .into_iter()
                    .map(|(from, to)| s.calendar.working_seconds_between(from, to))
                    .sum();
                prop_assert_eq!(worked - paused, s.delay);
            }
        }

        #[test]
        fn more_pauses_or_delay_never_make_due_earlier(
            s in scenario(),
            extra_pause in pause_spec(),
            extra_delay in 0..3 * 24 * HOUR,
        ) {
            let base = s.calendar.due(s.start, s.delay, &s.pauses);
            let mut more_pauses = s.pauses.clone();
            more_pauses.push(pause_at(s.start, extra_pause));
            let paused_more = s.calendar.due(s.start, s.delay, &more_pauses);
            prop_assert!(not_earlier(&paused_more, &base), "{paused_more:?} before {base:?}");
            let longer = s.calendar.due(s.start, s.delay + extra_delay, &s.pauses);
            prop_assert!(not_earlier(&longer, &base), "{longer:?} before {base:?}");
        }

        #[test]
        fn counted_stretches_explain_the_delay(s in scenario()) {
            if let Due::At { due, counted } = s.calendar.due(s.start, s.delay, &s.pauses) {
                let total: i64 = counted.iter().map(|stretch| (stretch.to - stretch.from).num_seconds()).sum();
                prop_assert_eq!(total, s.delay);
                prop_assert!(counted.windows(2).all(|pair| pair[0].to < pair[1].from), "{counted:?}");
                prop_assert!(counted.first().is_none_or(|first| first.from >= s.start));
                prop_assert!(counted.last().is_none_or(|last| last.to == due));
                for stretch in &counted {
                    let length = (stretch.to - stretch.from).num_seconds();
                    prop_assert!(length > 0);
                    prop_assert_eq!(s.calendar.working_seconds_between(stretch.from, stretch.to), length);
                    let overlaps_pause = s.pauses.iter().any(|pause| {
                        pause.start < stretch.to && pause.end.is_none_or(|end| pause.start < end && stretch.from < end)
                    });
                    prop_assert!(!overlaps_pause, "{stretch:?} overlaps a pause");
                }
            }
        }

        #[test]
        fn formatted_weeks_parse_back(week in proptest::array::uniform7(day_hours())) {
            let text = WorkingCalendar::format_week(&week);
            prop_assert_eq!(WorkingCalendar::parse_week(&text), Ok(week), "{}", text);
        }
    }
}
