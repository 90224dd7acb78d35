"""The comparator's rules, each pinned by a minimal pair against a tiny seed set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor import claims
from monitor.compare import SeedClaim, SeedIndex, _roles, compare_article, compare_stance

SEEDS = [
    "About 10,000 North Korean troops have been sent to Russia.",
    "North Korea has 3,000 soldiers in Kursk, Russia's border region.",
    "A record 188 drones were launched by Russia against Ukraine.",
    "South Korea may supply weapons to Ukraine.",
    "North Korea has troops in Russia.",
    "According to a Gallup poll, 82% of South Koreans oppose sending weapons to Ukraine.",
    "Seoul has declined to send weapons to Ukraine.",
    "Kim Jong Un is likely to visit Russia in the coming weeks.",
]


@pytest.fixture(scope="module")
def index() -> SeedIndex:
    seed_claims = []
    for i, text in enumerate(SEEDS):
        for c in claims.extract(text):
            seed_claims.append(SeedClaim(id=f"s{i}", seed="seed", claim=c))
    return SeedIndex(seed_claims)


def index_of(*seed_texts: str) -> SeedIndex:
    """An index of seed claims s0, s1, … one per seed text (its claims share the id)."""
    return SeedIndex([SeedClaim(id=f"s{i}", seed="seed", claim=c)
                      for i, t in enumerate(seed_texts) for c in claims.extract(t)])


def kinds(index: SeedIndex, text: str) -> dict[str, str]:
    found = claims.extract(text, published="2025-06-01T00:00:00+00:00")
    return {d.seed_claim.id: d.kind for d in compare_article(index, found)}


def alerts(index: SeedIndex, text: str) -> dict[str, str]:
    return {k: v for k, v in kinds(index, text).items() if v in ("update", "conflict")}


def test_a_new_figure_for_the_same_count_is_an_update(index):
    assert alerts(index, "About 15,000 North Korean troops have been sent to Russia.") == {"s0": "update"}


def test_the_same_figure_reworded_is_support(index):
    found = kinds(index, "Roughly 10,000 North Korean soldiers have been sent to Russia.")
    assert found.get("s0") == "support" and not alerts(index, "Roughly 10,000 North Korean soldiers are in Russia.")


def test_an_alias_swapped_in_does_not_change_the_result(index):
    assert alerts(index, "About 15,000 troops from Pyongyang have been sent to Russia.") == {"s0": "update"}


def test_a_count_of_the_dead_is_not_a_count_of_the_deployed(index):
    assert alerts(index, "About 1,000 North Korean soldiers have been killed in Russia.") == {}


def test_an_increment_is_not_support_for_an_equal_total(index):
    found = kinds(index, "North Korea sent 3,000 additional troops to Russia's Kursk region.")
    assert found.get("s1") != "support"
    assert "update" in found.values()


def test_the_same_troop_count_for_another_country_is_unrelated(index):
    assert alerts(index, "The United States will send an additional 3,000 troops to Poland.") == {}


def test_a_new_record_updates_the_old_record(index):
    assert alerts(index, "Russia launched a record 479 drones against Ukraine overnight.") == {"s2": "update"}


def test_an_ordinary_count_does_not_update_a_record(index):
    assert alerts(index, "Russia launched 90 drones against Ukraine overnight, the air force said.") == {}


def test_a_negation_inserted_is_a_conflict(index):
    found = alerts(index, "North Korea denied that it has troops in Russia.")
    assert found["s4"] == "conflict" and set(found.values()) == {"conflict"}


def test_a_hedge_strengthened_into_a_decision_is_an_update(index):
    assert alerts(index, "South Korea has decided to supply weapons to Ukraine.").get("s3") == "update"


def test_a_possibility_ruled_out_is_a_conflict(index):
    assert alerts(index, "South Korea will not supply weapons to Ukraine, the ministry said.").get("s3") == "conflict"


def test_not_yet_done_leaves_a_possibility_open(index):
    assert alerts(index, "South Korea has not yet supplied weapons to Ukraine.") == {}


def test_a_non_answer_is_not_a_denial(index):
    assert alerts(index, "Seoul did not comment on whether it would supply weapons to Ukraine.") == {}


def test_a_new_poll_figure_is_an_update(index):
    text = "Sixty-four percent of South Koreans oppose sending weapons to Ukraine, a Gallup poll showed."
    assert alerts(index, text) == {"s5": "update"}


def test_a_percentage_of_another_question_is_unrelated(index):
    assert alerts(index, "Seventy percent of South Koreans disapprove of President Yoon's performance.") == {}


def test_the_public_is_not_the_government(index):
    assert alerts(index, "South Koreans have been resistant to sending weapons to Ukraine.") == {}


def test_a_likely_visit_that_happened_is_an_update(index):
    assert alerts(index, "Kim Jong Un arrived in Moscow on Sunday for a visit to Russia.").get("s7") == "update"


def test_a_visit_elsewhere_is_unrelated(index):
    assert alerts(index, "Kim Jong Un arrived in Beijing on Sunday for a visit to China.") == {}


def test_every_finding_says_why(index):
    found = claims.extract("About 15,000 North Korean troops have been sent to Russia.", published="2025-06-01")
    (decision,) = [d for d in compare_article(index, found) if d.is_alert]
    assert decision.rule == "figure-update" and decision.old_value.startswith("10,000")
    assert decision.new_value.startswith("15,000") and 0 < decision.confidence <= 1


@pytest.mark.parametrize("new_text", [
    "About 15,000 North Korean troops have been sent to Russia.",
    "About 2,400 North Korean troops have been sent to Russia.",
    "North Korea has sent 3,000 additional troops to Russia.",
    "Some 25,000 North Korean troops have been sent to Russia.",
])
def test_a_group_of_like_worded_seeds_is_judged_as_if_one_by_one(new_text):
    """Seed sentences that differ only in their figures share one index row; the
    figure table must reach the same kind as comparing with each in turn."""
    from monitor.compare import FigureTable, _relation, compare_figures_in_group, same_slot

    group = [SeedClaim(id=f"g{n}", seed="seed", claim=claims.extract(
        f"About {n:,} North Korean troops have been sent to Russia.")[0]) for n in range(1000, 30001, 1000)]
    index = SeedIndex(group)
    (new,) = claims.extract(new_text, published="2025-06-01T00:00:00+00:00")
    brute = set()
    for sc in group:
        for fs in sc.claim.figures:
            for fn in new.figures:
                if same_slot(index, sc.claim, fs, new, fn) and (kind := _relation(sc.claim, fs, new, fn)):
                    brute.add(kind)
    expected = max(brute, key={"conflict": 2, "update": 3, "support": 4}.get)
    assert compare_figures_in_group(FigureTable(group), new)[0] == expected


def test_a_record_said_without_a_superlative_is_still_a_record(index):
    text = "Russia launched 728 drones against Ukraine, surpassing every earlier night of the war."
    assert alerts(index, text) == {"s2": "update"}


def test_a_share_saying_should_not_counts_as_opposed(index):
    text = "Sixty-three percent of South Koreans say Seoul should not send weapons to Ukraine, a Gallup poll found."
    assert alerts(index, text) == {"s5": "update"}


def test_a_share_is_opposed_only_by_a_negation_in_its_own_stretch():
    claim, = claims.extract("In a Gallup survey, 66 percent of South Koreans said Seoul should limit itself "
                            "to sending aid to Ukraine, and 16 percent said it should give no help at all.")
    assert [_roles(claim, f) for f in claim.figures] == [[], ["oppose"]]


def test_a_further_share_is_one_part_of_a_poll_not_a_rise(index):
    text = ("In a Gallup survey, 61 percent of South Koreans opposed sending weapons to Ukraine, "
            "and a further 16 percent opposed any help at all.")
    assert alerts(index, text) == {"s5": "update"}
    text = ("In a Gallup survey, most South Koreans wanted aid for Ukraine, "
            "and a further 16 percent opposed sending weapons to Ukraine.")
    assert alerts(index, text) == {}


def test_a_record_said_in_the_next_sentence_makes_the_count_a_record(index):
    text = ("Russia sent 810 drones against Ukraine overnight, the air force said. "
            "No previous night of the war had seen so many drones, it added.")
    assert alerts(index, text) == {"s2": "update"}


def test_a_record_about_something_else_next_door_leaves_the_count_alone(index):
    text = ("Russia sent 810 drones against Ukraine overnight, the air force said. "
            "It was the deadliest year for civilians since the invasion, the UN said.")
    assert alerts(index, text) == {}


def test_a_smaller_largest_attack_is_the_record_of_something_narrower(index):
    text = "Russia launched 50 drones against Ukraine, the largest attack on Kharkiv this month."
    assert alerts(index, text) == {}


def test_a_possibility_the_seeds_already_report_as_done_is_not_news():
    seeds = ["North Korean troops could soon join Russian forces in the war.",
             "North Korean troops are fighting alongside Russian forces in the war."]
    idx = index_of(*seeds)
    assert alerts(idx, "North Korean troops have joined Russian forces in the war, officials said.") == {}


SETTLED = ["North Korean troops could soon join Russian forces in the war.",
           "North Korean troops are fighting alongside Russian forces in the war."]


def test_a_party_acknowledging_for_the_first_time_what_others_reported_is_news():
    idx = index_of(*SETTLED)
    text = ("North Korea confirmed for the first time that its troops had joined Russian forces in the war, "
            "state media said.")
    assert alerts(idx, text) == {"s0": "update"}


def test_a_first_time_that_is_no_acknowledgement_is_not_news():
    idx = index_of(*SETTLED)
    text = "North Korean troops have joined Russian forces in the war, fighting in Kursk for the first time."
    assert alerts(idx, text) == {}


def test_an_act_named_as_a_gerund_is_not_reported_done(index):
    assert alerts(index, "South Korea's parliament debated sending weapons to Ukraine on Tuesday.") == {}
    assert alerts(index, "South Korea began sending weapons to Ukraine on Tuesday.") == {"s3": "update"}


def test_a_refusal_told_as_a_habit_does_not_close_a_possibility(index):
    text = "South Korea, a major arms exporter, has long refused to supply weapons to countries at war."
    assert alerts(index, text) == {}


def test_an_act_named_after_a_preposition_does_not_contradict_its_denial():
    idx = index_of("However, Seoul has declined to provide weapons to Ukraine.")
    assert alerts(idx, "That is not the same as Seoul arming Kyiv.") == {}
    assert alerts(idx, "Seoul has provided weapons to Kyiv, officials said.") == {"s0": "conflict"}


def test_a_figure_a_seed_states_is_not_news_even_without_its_parties():
    seeds = ["The Pentagon more than tripled its estimate of the number of North Korean soldiers "
             "currently training in Russia to 10,000.",
             "Seoul says roughly 3,000 North Korean troops are already in Russia."]
    idx = index_of(*seeds)
    text = ("The paper traces the count from Seoul's figure in late October, roughly 3,000 soldiers already "
            "in Russia, to early November, when the Pentagon more than tripled its own estimate.")
    assert alerts(idx, text) == {}


def test_a_revision_quoting_the_old_value_updates_it(index):
    text = "The number of North Korean troops sent to Russia has risen to 12,000 from 10,000."
    assert alerts(index, text) == {"s0": "update"}


def test_a_denial_is_answered_only_about_the_party_it_names():
    idx = index_of("However, Seoul has declined to provide weapons to Ukraine.")
    text = ("South Korea's arms exports reached about $9.5 billion last year, and the government has set a goal "
            "of becoming one of the world's four largest arms exporters.")
    assert alerts(idx, text) == {}
    assert alerts(idx, "South Korea has begun exporting weapons to Ukraine, officials said.") == {"s0": "conflict"}


def test_a_superlative_about_something_else_next_door_makes_no_record(index):
    text = ("Russia launched 273 drones at Ukraine overnight, the air force said. "
            "Debris from downed drones damaged the largest hospital in Kharkiv.")
    assert alerts(index, text) == {}


def test_at_least_is_not_the_fewest(index):
    text = "Russia launched at least 500 drones against Ukraine in a record attack, the largest of the war."
    assert alerts(index, text) == {"s2": "update"}


def test_a_first_acknowledgement_by_an_outsider_or_of_something_undone_is_not_news():
    idx = index_of(*SETTLED)
    text = ("The US confirmed for the first time that North Korean troops could join Russian forces in the war, "
            "but said their mission remains unclear.")
    assert alerts(idx, text) == {}


def test_a_share_of_another_public_or_about_another_question_is_unrelated():
    idx = index_of("South Koreans have been resistant to sending weapons to Ukraine. "
                   "According to a Gallup poll, 82% of the public opposed such measures.")
    text = ("Germans remain wary of sending Taurus missiles to Ukraine. In a survey for ARD, 61 per cent of "
            "respondents said they were against such a delivery.")
    assert alerts(idx, text) == {}
    assert alerts(idx, "South Koreans were asked about nuclear arms. Only 21 per cent opposed nuclear armament.") == {}
    text = "A new Gallup poll found that 64% of South Koreans oppose sending weapons to Ukraine."
    assert alerts(idx, text) == {"s0": "update"}


def test_a_denial_is_contradicted_by_the_deniers_not_by_a_third_party():
    idx = index_of("Moscow and Pyongyang have both denied the transfer of North Korean weapons into Russia.")
    text = ("Russian instructors are training North Korean crews, Budanov said, describing the systems as "
            "payment for the munitions North Korea has sent to Russia.")
    assert alerts(idx, text) == {}
    text = "It is the first time Pyongyang has openly described any transfer of weapons to Russia."
    assert alerts(idx, text) == {"s0": "conflict"}


def test_a_vague_amount_told_in_passing_revises_no_estimate():
    idx = index_of("Reports circulate about tens of thousands of North Korean personnel on Russian soil.")
    text = ("Pyongyang hopes to receive technology from Moscow in exchange for sending thousands of "
            "North Korean soldiers to Russia.")
    assert alerts(idx, text) == {}


def test_no_willingness_restates_little_willingness():
    idx = index_of("Pyongyang has shown little willingness to negotiate on denuclearization.")
    assert alerts(idx, "Pyongyang has shown no willingness to negotiate its weapons away since.") == {}


def test_the_doer_of_a_supply_is_read_at_its_verb_not_at_its_cargo():
    idx = index_of("He could not confirm whether Russia had begun to supply North Korea with missile defense systems.")
    text = "Pyongyang has also supplied Moscow with artillery shells and missiles, according to intelligence reports."
    assert alerts(idx, text) == {}


def test_a_contrast_asserts_and_denies_at_once_and_decides_nothing():
    idx = index_of("However, Seoul has declined to provide weapons to Ukraine.")
    text = ("Rather than arming Kyiv directly, Seoul has concentrated on expanding its arms deals with Poland, "
            "which in turn sends equipment to Ukraine.")
    assert alerts(idx, text) == {}


def test_a_vague_amount_with_now_is_no_revision(index):
    text = "North Korea's ties with Russia now include thousands of troops sent to fight for Moscow, analysts say."
    assert alerts(index, text) == {}


def test_not_this_but_that_is_a_contrast_too():
    idx = index_of("South Korea's top concern remains what support Russia is providing North Korea "
                   "in return for the troops.")
    text = ("South Korean officials have been clear about what worries them most: not the soldiers "
            "Pyongyang sends to Russia, but what Russia sends back.")
    assert alerts(idx, text) == {}


def test_a_possible_act_is_realised_only_by_the_act_itself(index):
    text = ("Every South Korean official asked about weapons for Ukraine has reached for the same number, "
            "officials said.")
    assert alerts(index, text) == {}


def test_an_act_named_as_an_infinitive_does_not_contradict_its_denial():
    idx = index_of("However, Seoul has declined to provide weapons to Ukraine.")
    text = "South Korea's laws and politics make it hard to ship weapons straight to Ukraine, analysts said."
    assert alerts(idx, text) == {}
    assert alerts(idx, "Seoul decided to ship weapons straight to Ukraine, officials said.") == {"s0": "conflict"}


def test_one_decision_is_one_alert_even_when_it_settles_two_seed_claims():
    seeds = ["South Korea may supply weapons to Ukraine.",
             "Seoul could begin supplying weapons to Kyiv, officials warned."]
    idx = index_of(*seeds)
    assert len(alerts(idx, "South Korea has decided to supply weapons to Ukraine.")) == 1


def test_a_possibility_is_realised_only_by_the_same_doer():
    seeds = ["Officials could not confirm whether Russia had begun to supply North Korea with air defense systems."]
    idx = SeedIndex([SeedClaim(id="s0", seed="seed", claim=c) for t in seeds for c in claims.extract(t)])
    assert alerts(idx, "Russia has delivered air defense systems to North Korea, Seoul said.") == {"s0": "update"}
    assert alerts(idx, "North Korea has shipped air defense systems to Russia, Seoul said.") == {}


def test_whose_things_are_counted_must_match(index):
    text = "Ukraine launched its largest attack yet, sending a record 337 Ukrainian drones against Russia."
    assert alerts(index, text) == {}


def test_the_speaker_is_the_subject_of_what_it_says_it_will_do(index):
    text = "Seoul said it would not supply weapons to Ukraine under any circumstances."
    assert alerts(index, text) == {"s3": "conflict"}


def test_a_withdrawal_contradicts_a_presence(index):
    found = alerts(index, "North Korea has withdrawn its troops from Russia, Seoul's spy agency said.")
    assert found.get("s4") == "conflict"


def test_another_countrys_army_is_not_the_counted_troops(index):
    assert alerts(index, "Russia has 600,000 troops in Ukraine, Putin said.") == {}


def test_not_decided_leaves_the_question_open(index):
    assert alerts(index, "South Korea has not decided whether to supply weapons to Ukraine.") == {}


def test_sending_something_else_does_not_realise_a_possible_arms_supply(index):
    assert alerts(index, "South Korea has sent 50 million dollars in humanitarian aid to Ukraine.") == {}


def test_a_visit_reported_in_other_words_realises_the_likely_visit(index):
    text = "Kim Jong Un arrived in Moscow on Saturday for talks, his first trip to Russia in years, the Kremlin said."
    assert alerts(index, text).get("s7") == "update"


def test_a_plan_called_off_in_other_words_is_a_conflict():
    seeds = ["President Yoon and Trump agreed to meet in the near future, with Yoon hoping for a potential meeting."]
    idx = SeedIndex([SeedClaim(id="s0", seed="seed", claim=c) for t in seeds for c in claims.extract(t)])
    text = "The planned meeting between President Yoon and Donald Trump will not take place, officials said."
    assert alerts(idx, text) == {"s0": "conflict"}


def test_a_passing_restatement_does_not_silence_a_fuller_contradiction():
    seeds = ["Moscow and Pyongyang have both denied the transfer of North Korean weapons into Russia.",
             "Russia fired missiles at targets in Ukraine overnight."]
    idx = index_of(*seeds)
    found = kinds(idx, "Russia has received North Korean missiles and used them against targets in Ukraine, "
                       "the first acknowledgement of weapons transfers that Moscow and Pyongyang had denied.")
    assert found == {"s0": "conflict", "s1": "support"}


def test_a_few_shared_words_are_not_a_restatement():
    seeds = ["The drones were launched all at once.", "Russia launched 188 drones, targeting 17 of Ukraine's regions."]
    idx = index_of(*seeds)
    assert kinds(idx, "The Baltic Sea region is on high alert after outages since Russia invaded Ukraine, "
                      "and drones were launched at ships.") == {}


def test_two_shared_words_are_not_a_restatement():
    seed = "A record 188 drones were launched by Russia on Tuesday. The drones were launched all at once."
    idx = SeedIndex([SeedClaim(id=f"s{c.position}", seed="seed", claim=c) for c in claims.extract(seed)])
    assert kinds(idx, "Over 200 attack drones were launched onto Ukraine in the night, Zelenskiy wrote.") == {}


def test_a_share_of_another_countrys_people_is_not_the_seeds_share():
    seed = ("South Koreans are wary of sending weapons to Ukraine. "
            "According to a Gallup poll, 82% of the public opposed such measures.")
    idx = SeedIndex([SeedClaim(id=f"s{c.position}", seed="seed", claim=c) for c in claims.extract(seed)])
    assert alerts(idx, "Fifty-six percent of Japanese voters oppose sending weapons to Ukraine, a poll showed.") == {}
    assert alerts(idx, "Fifty-six percent of South Koreans oppose sending weapons to Ukraine, a poll showed.") != {}


def test_urging_someone_to_do_it_is_not_doing_it():
    seeds = ["The possibility of Trump re-engaging in diplomacy with North Korean leader Kim Jong Un could offer "
             "a chance for resuming dialogue."]
    idx = SeedIndex([SeedClaim(id="s0", seed="seed", claim=c) for t in seeds for c in claims.extract(t)])
    assert alerts(idx, "Lee encouraged Trump to resume contacts with North Korean leader Kim Jong Un.") == {}


def test_a_supply_is_realised_only_towards_its_recipient():
    seeds = ["Officials could not confirm whether Russia had begun to supply North Korea with missile defense systems."]
    idx = SeedIndex([SeedClaim(id="s0", seed="seed", claim=c) for t in seeds for c in claims.extract(t)])
    assert alerts(idx, "Moscow sent 267 drones along with three ballistic missiles, the air force said.") == {}
    assert alerts(idx, "Russia has delivered air-defence equipment and missiles to North Korea, Seoul said.") == {
        "s0": "update"}


def test_decisions_do_not_depend_on_the_hash_seed():
    """Two seed claims can tie on overlap; sums taken in set order broke the tie one way
    or the other from one run of the worker to the next."""
    program = (
        "from pathlib import Path\n"
        "from monitor import claims, compare, seeds\n"
        "loaded = seeds.load(Path('seeds'))\n"
        "index = compare.SeedIndex([compare.SeedClaim(id=f'{s.id}:{i}', seed=s.id, claim=c)\n"
        "                           for s in loaded for i, c in enumerate(s.claims)])\n"
        "new = claims.extract('South Korea has decided to supply defensive weapons directly to Ukraine.',\n"
        "                     published='2025-01-01')\n"
        "print(sorted((d.seed_claim.id, d.kind) for d in compare.compare_article(index, new)))\n")
    root = Path(__file__).resolve().parent.parent
    runs = {subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in (0, 3)}
    assert len(runs) == 1, runs


def test_a_count_of_what_might_happen_revises_no_count():
    index = index_of("North Korea has sent around 10,000 troops to Russia.")
    assert not alerts(index, "North Korea could eventually send as many as 100,000 soldiers to Russia, "
                             "an assessment said.")


def test_a_party_refusing_an_act_does_not_contradict_another_party_doing_it():
    index = index_of("South Korea's top concern remains what support Russia is providing North Korea, "
                     "says an analyst.")
    assert not alerts(index, "Sixteen percent said Seoul should not provide any support to North Korea.")


def test_a_visit_by_the_host_is_not_the_visit_to_it_that_was_expected():
    index = index_of("A visit to Russia by Supreme Leader Kim Jong Un in the coming weeks is highly likely, "
                     "an analyst said.")
    assert not alerts(index, "The treaty was signed in Pyongyang during the Russian leader's state visit.")
    assert alerts(index, "Kim Jong Un arrived in Moscow on Sunday for a visit to Russia.") == {"s0": "update"}


def test_a_supply_the_other_way_round_does_not_realise_the_one_in_doubt():
    index = index_of("He could not confirm whether Russia had begun to supply North Korea with missile defense "
                     "systems or not.")
    assert not alerts(index, "A statement from North Korea's defence ministry confirmed that it had shipped "
                             "missiles to Russia.")


def test_a_first_public_confirmation_of_something_else_leaves_an_unconfirmed_transfer_alone():
    index = index_of("Russia may be helping North Korea's missile programme. There has not been any public "
                     "confirmation of these transfers yet.")
    assert not alerts(index, "North Korean soldiers fought in Kursk, officials in Moscow and Pyongyang said, in the "
                             "first public confirmation from either capital.")


def test_a_practice_of_not_doing_something_rules_nothing_out():
    index = index_of("South Korea may not rule out the option of supplying weapons to Ukraine.")
    assert not alerts(index, "Such a move would break with South Korea's practice of not exporting weapons to "
                             "Ukraine or other countries at war.")


def test_a_refusal_with_an_alternative_after_but_still_rules_out():
    index = index_of("South Korea may not rule out the option of supplying weapons to Ukraine.")
    assert alerts(index, "President Lee told Zelensky that Seoul would not provide weapons to Ukraine, but would "
                         "expand humanitarian aid.") == {"s0": "conflict"}


def test_a_first_acknowledgement_of_another_thing_does_not_settle_the_possible_one():
    seed = claims.extract("But South Korea is not amused. It has warned Moscow it could begin supplying weapons "
                          "to Kyiv.")[-1]
    new = claims.extract("Seoul's spy agency said it had confirmed Russia had begun transferring technology to "
                         "North Korea for a nuclear-powered submarine, the first time Seoul has publicly confirmed "
                         "such transfers.")[0]
    assert compare_stance(seed, new) is None


def test_a_likely_past_count_is_still_a_count():
    index = index_of("North Korea has sent about 10,000 troops to Russia.")
    assert alerts(index, "North Korea has likely sent some 15,000 troops to Russia, Seoul's spy agency said.") \
        == {"s0": "update"}


def test_a_refusal_in_keeping_with_a_policy_against_arming_still_rules_out():
    index = index_of("South Korea may supply weapons to Ukraine.")
    assert alerts(index, "Yoon said South Korea will not supply weapons to Ukraine, in keeping with its policy "
                         "against arming nations at war.") == {"s0": "conflict"}


def test_a_receiver_denying_receipt_contradicts_the_supply():
    index = index_of("Intelligence reports allege that Pyongyang has been supplying artillery shells and "
                     "missiles to Moscow.")
    assert alerts(index, "Moscow has not received any artillery shells or missiles from Pyongyang, the Kremlin "
                         "said.") == {"s0": "conflict"}


def test_the_hosts_visit_is_told_apart_with_a_curly_apostrophe_and_an_adjective():
    index = index_of("A visit to Russia by Supreme Leader Kim Jong Un in the coming weeks is highly likely, "
                     "an analyst said.")
    assert not alerts(index, "The treaty was signed in Pyongyang during the Russian leader’s historic state visit.")


def test_a_share_in_a_later_clause_keeps_the_public_and_question_named_earlier_in_the_sentence():
    index = index_of("South Koreans have been resistant to sending weapons to Ukraine. According to a Gallup poll, "
                     "82% of the public opposed such measures.")
    assert alerts(index, "Gallup Korea corrected its survey on sending weapons to Ukraine, saying 78 percent of "
                         "South Koreans opposed supplying arms.") == {"s0": "update"}


def test_a_meeting_called_off_calls_off_only_a_plan_to_meet():
    index = index_of("South Korea is reconsidering its stance on arms provision, with President Yoon Suk Yeol "
                     "signalling a possible shift toward supplying weapons directly to Ukraine.")
    assert not alerts(index, "A meeting between President-elect Donald Trump and South Korean President Yoon Suk "
                             "Yeol will not take place before the inauguration, a transition official said.")


def test_technology_for_a_weapon_is_not_the_weapon_whose_supply_was_in_doubt():
    index = index_of("He could not confirm whether Russia had begun to supply North Korea with missile defense "
                     "systems or not.")
    assert not alerts(index, "The spy agency has confirmed that Russia transferred technology for the guidance "
                             "systems of North Korea's ballistic missiles.")
    assert alerts(index, "Russia has supplied North Korea with air-defence missile systems, Seoul said.") \
        == {"s0": "update"}


def test_air_defence_equipment_delivered_realises_missile_defense_systems_in_doubt():
    """Against the project's own seeds, where "defense" is a rare word and "missile" a common one."""
    from tests.polling import _seeds

    loaded, _ = _seeds()
    index = SeedIndex([SeedClaim(id=f"{s.id[:3]}:{i}", seed=s.id, claim=c)
                       for s in loaded for i, c in enumerate(s.claims)])
    in_doubt = next(sc.id for sc in index.claims if "missile defense systems" in sc.claim.text)
    found = alerts(index, "Russia has supplied North Korea with air-defence equipment and anti-aircraft missiles "
                          "in return for the troops, South Korea's defence ministry said on Friday.")
    assert found.get(in_doubt) == "update"


def test_a_range_just_touching_the_seed_estimate_is_a_higher_estimate():
    index = index_of("North Korea has sent about 10,000 troops to Russia.")
    assert alerts(index, "Officials estimate that between 11,000 and 12,000 North Korean troops have been sent to "
                         "Russia.") == {"s0": "update"}


def test_another_country_sending_arms_on_does_not_contradict_the_refusal():
    index = index_of("However, Seoul has declined to provide weapons to Ukraine.")
    assert not alerts(index, "Seoul is expanding arms deals with Poland, which can then send its own weapons to "
                             "Ukraine.")


def test_a_planned_meeting_that_will_not_take_place_is_called_off():
    index = index_of("President Yoon and Trump agreed to meet in the near future to further discuss these "
                     "developments, with Yoon expressing optimism about a potential meeting within the year.")
    assert alerts(index, "South Korean President Yoon Suk Yeol will not meet US President-elect Donald Trump before "
                         "Trump's inauguration, Yoon's office said.") == {"s0": "conflict"}
    assert alerts(index, "A face-to-face meeting between Yoon and Trump, which the two men agreed to in a phone "
                         "call last month, will not take place, officials in Seoul said.") == {"s0": "conflict"}


def test_only_a_planned_event_is_called_off_by_a_denial_naming_its_people():
    """Against the project's own seeds: "could not confirm whether Russia had begun to supply
    North Korea with missile defense systems" plans nothing that a denial could call off."""
    from tests.polling import _seeds

    loaded, _ = _seeds()
    index = SeedIndex([SeedClaim(id=f"{s.id[:3]}:{i}", seed=s.id, claim=c)
                       for s in loaded for i, c in enumerate(s.claims)])
    assert not alerts(index, "Russia and North Korea on Friday again rejected reports that North Korean missiles "
                             "are being fired at Ukraine, after researchers said a factory in the North that makes "
                             "short-range ballistic missiles was being enlarged.")


def test_what_a_total_could_be_is_an_estimate_not_a_what_if():
    index = index_of("North Korea has sent about 10,000 troops to Russia.")
    assert alerts(index, "The total number of North Korean troops sent to Russia could be closer to 12,000, "
                         "the Pentagon said.") == {"s0": "update"}


@pytest.fixture(scope="module")
def seeds_index() -> SeedIndex:
    """The project's own seeds, where words weigh as they do in the worker."""
    from tests.polling import _seeds

    loaded, _ = _seeds()
    return SeedIndex([SeedClaim(id=f"{s.id[:3]}:{i}", seed=s.id, claim=c)
                      for s in loaded for i, c in enumerate(s.claims)])


# Sentences a review of the comparator put to it, each with whether a maintainer would want an alert.
REVIEWED = [
    ("South Korea's defence ministry declined to confirm the transfer of weapons to Ukraine.", False),
    ("North Korea is likely to send 20,000 more troops to Russia next year, analysts said.", False),
    ("Earlier estimates of 5,000 North Korean troops in Russia were too low, US officials said.", False),
    ("South Korea has sent anti-drone jammers to Ukraine.", False),
    ("61 per cent of respondents in Germany opposed sending weapons to Ukraine, while in South Korea the share "
     "was lower.", False),
    ("South Korea is not planning to send troops to Russia, officials said.", False),
    ("Seoul has not verified reports that South Korea shipped artillery shells to Ukraine.", False),
    ("South Korea began supplying weapons to Ukraine on Monday, a move that Russia said it would not tolerate.", True),
    ("South Korea will not send weapons to Ukraine, Yoon said on Tuesday, and officials could not confirm reports "
     "of secret shipments.", True),
    ("South Korea has begun supplying air-defence equipment to Ukraine, the ministry said.", True),
    ("South Korea has begun sending help to Ukraine, including howitzers and ammunition.", True),
    ("Ukraine is now using 155mm shells, which South Korea began providing to Ukraine last month.", True),
    ("Russia launched a record tally of 500 drones at Ukraine overnight.", True),
]


@pytest.mark.parametrize(("text", "alert"), REVIEWED)
def test_reviewed_sentences_alert_only_when_a_maintainer_would_want_it(seeds_index, text, alert):
    assert bool(alerts(seeds_index, text)) == alert


def test_some_eleven_thousand_revises_about_ten_thousand():
    index = index_of("Intelligence reports suggest that North Korea has sent around 10,000 troops to Russia.")
    assert alerts(index, "Some 11,000 North Korean soldiers were deployed to help Moscow push Ukrainian troops out "
                         "of the Kursk region.") == {"s0": "update"}


def test_a_planned_meeting_shelved_is_called_off():
    index = index_of("President Yoon and Trump agreed to meet in the near future to further discuss these "
                     "developments, with Yoon expressing optimism about a potential meeting within the year.")
    assert alerts(index, "Officials said preparations for a meeting between President Yoon Suk Yeol and "
                         "President-elect Donald Trump had been halted after the impeachment vote.") \
        == {"s0": "conflict"}


def test_urging_a_party_to_stop_denies_nothing():
    index = index_of("North Korean forces are confirmed to be supporting Russian troops on the frontlines of the war.")
    assert not alerts(index, "Foreign ministers said North Korean soldiers had been sent to Russia, and urged "
                             "Pyongyang to stop its military support for Russian troops.")
