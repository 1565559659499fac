import { strict as assert } from "node:assert";
import {
  dateSeries,
  detectDateColumns,
  SummaryList,
  groupItems,
  parseDate,
  rollingMean,
  rollingWindow,
  sortGroups,
  type ListItem,
} from "../../src/core/summary";

const item = (polarity: ListItem["polarity"], sentiment: number, airline: string, text = "", created = ""): ListItem => ({
  polarity,
  sentiment,
  text,
  fields: { airline, created },
});

const ITEMS: ListItem[] = [
  item("negative", -0.9, "United", "Flight delayed again", "2015-02-24 11:35:52 -0800"),
  item("negative", -0.5, "United", "Lost my bag", "2015-02-24 23:10:00 -0800"),
  item("positive", 0.8, "United", "Thanks for the upgrade", "2015-02-25 08:00:00 -0800"),
  item("neutral", 0.1, "Delta", "Which gate?", "2015-02-25 09:00:00 -0800"),
  item("positive", 0.6, "Delta", "Great crew, thanks", "2015-03-02 10:00:00 -0800"),
  item("negative", -0.7, " ", "Delayed", ""),
];

describe("groups", () => {
  it("count, shares and mean per group, exact", () => {
    const groups = groupItems(ITEMS, "airline");
    assert.deepEqual(
      groups.map((g) => [g.key, g.count, g.counts, g.items]),
      [
        ["United", 3, { negative: 2, neutral: 0, positive: 1 }, [0, 1, 2]],
        ["Delta", 2, { negative: 0, neutral: 1, positive: 1 }, [3, 4]],
        ["", 1, { negative: 1, neutral: 0, positive: 0 }, [5]],
      ],
    );
    const united = groups[0];
    assert.deepEqual(united.share, { negative: 2 / 3, neutral: 0, positive: 1 / 3 });
    assert.ok(Math.abs(united.mean - (-0.9 - 0.5 + 0.8) / 3) < 1e-12);
    assert.ok(Math.abs(groups[1].mean - 0.35) < 1e-12);
  });

  it("sorts by any column, ties by key", () => {
    const groups = groupItems(ITEMS, "airline");
    assert.deepEqual(sortGroups(groups, "mean", "desc").map((g) => g.key), ["Delta", "United", ""]);
    assert.deepEqual(sortGroups(groups, "negative", "desc").map((g) => g.key), ["", "United", "Delta"]);
    assert.deepEqual(sortGroups(groups, "key", "asc").map((g) => g.key), ["", "Delta", "United"]);
    assert.deepEqual(sortGroups(groups, "positive", "asc").map((g) => g.key), ["", "United", "Delta"]);
  });

  it("groups by a key function (the file, in a folder run)", () => {
    const groups = groupItems(ITEMS, (_, i) => (i < 2 ? "a.csv" : "b.csv"));
    assert.deepEqual(groups.map((g) => [g.key, g.count]), [["b.csv", 4], ["a.csv", 2]]);
  });
});

describe("dates", () => {
  it("reads the common forms; the day is the one written", () => {
    const day = (s: string, order?: "mdy" | "dmy") => {
      const d = parseDate(s, order);
      return d && new Date(d.day * 86_400_000).toISOString().slice(0, 10);
    };
    assert.equal(day("2015-02-24 23:35:52 -0800"), "2015-02-24");
    assert.equal(parseDate("2015-02-24 23:35:52 -0800")!.time, Date.parse("2015-02-25T07:35:52Z"));
    assert.equal(day("2015-02-24T11:35:52.123Z"), "2015-02-24");
    assert.equal(day("2015-02-24"), "2015-02-24");
    assert.equal(day("2015/2/4"), "2015-02-04");
    assert.equal(day("02/24/2015"), "2015-02-24");
    assert.equal(day("24.02.2015", "dmy"), "2015-02-24");
    assert.equal(day("2/4/15 3:30 PM"), "2015-02-04");
    assert.equal(day("Feb 24, 2015"), "2015-02-24");
    assert.equal(day("24 February 2015"), "2015-02-24");
    assert.equal(day("Tue Feb 24 11:35:52 +0000 2015"), "2015-02-24");
    for (const bad of ["2015-02-30", "13/13/2015", "hello", "12345", "", "2015-02-24 25:00"]) assert.equal(parseDate(bad), undefined, bad);
  });

  it("detects date columns and their day order", () => {
    const rows = [
      { id: "1", when: "24/02/2015", note: "x", iso: "2015-02-24" },
      { id: "2", when: "03/02/2015", note: "y", iso: "2015-02-25" },
    ];
    assert.deepEqual(detectDateColumns(rows, ["id", "when", "note", "iso"]), [
      { column: "when", order: "dmy", ambiguous: false, share: 1 },
      { column: "iso", order: "mdy", ambiguous: false, share: 1 },
    ]);
    assert.equal(detectDateColumns([{ d: "01/02/2015" }], ["d"])[0].ambiguous, true);
  });

  it("means per day; unreadable dates listed, not dropped silently", () => {
    const series = dateSeries(ITEMS, "created");
    assert.equal(series.bucket, "day");
    assert.deepEqual(
      series.points.map((p) => [p.start, p.count]),
      [["2015-02-24", 2], ["2015-02-25", 2], ["2015-03-02", 1]],
    );
    assert.ok(Math.abs(series.points[0].mean - -0.7) < 1e-12);
    assert.ok(Math.abs(series.points[1].mean - 0.45) < 1e-12);
    assert.deepEqual(series.unreadable, [5]);
  });

  it("weeks start on Monday and are chosen for long spans", () => {
    const weekly = dateSeries(ITEMS, "created", { bucket: "week" });
    assert.deepEqual(weekly.points.map((p) => [p.start, p.count]), [["2015-02-23", 4], ["2015-03-02", 1]]);
    const long = [item("positive", 1, "x", "", "2015-01-01"), item("negative", -1, "x", "", "2015-06-01")];
    assert.equal(dateSeries(long, "created").bucket, "week");
  });
});

describe("rolling mean", () => {
  it("no window up to 300 items, then the odd number nearest the square root, at least 15", () => {
    assert.equal(rollingWindow(300), 1);
    assert.equal(rollingWindow(301), 17);
    assert.equal(rollingWindow(15_000), 123);
    assert.equal(rollingWindow(100_000), 317);
  });

  it("centred, cut at the ends", () => {
    assert.deepEqual(rollingMean([1, 2, 3, 4, 5], 3), { window: 3, means: [1.5, 2, 3, 4, 4.5] });
    assert.deepEqual(rollingMean([1, 2, 3]).window, 1);
  });
});

describe("the summary list", () => {
  const list = new SummaryList(ITEMS);
  it("filters by polarity, group, theme items and search", () => {
    assert.deepEqual([...list.query({})], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...list.query({ polarities: ["negative"] })], [0, 1, 5]);
    assert.deepEqual([...list.query({ group: { column: "airline", value: "United" } })], [0, 1, 2]);
    assert.deepEqual([...list.query({ group: { column: "airline", value: "" } })], [5]);
    assert.deepEqual([...list.query({ items: [0, 5], polarities: ["negative", "neutral"] })], [0, 5]);
    assert.deepEqual([...list.query({ search: "DELAYED" })], [0, 5]);
    assert.deepEqual([...list.query({ search: "thanks  crew" })], [4]);
  });

  it("sorts by sentiment, group and order", () => {
    assert.deepEqual([...list.query({ sort: { by: "sentiment" } })], [0, 5, 1, 3, 4, 2]);
    assert.deepEqual([...list.query({ sort: { by: "sentiment", direction: "desc" } })], [2, 4, 3, 1, 5, 0]);
    assert.deepEqual([...list.query({ sort: { by: "group", column: "airline" } })], [5, 3, 4, 0, 1, 2]);
    assert.deepEqual([...list.query({ sort: { by: "order", direction: "desc" } })], [5, 4, 3, 2, 1, 0]);
  });
});
