import Testing
@testable import InsituArchFile

@Suite struct SweepPlanTests {
    @Test func rangesListsAndProducts() throws {
        let plan = try SweepPlan(vary: ["chip.tile.rows+chip.tile.columns=16..128*2", "chip.adc.bits=4..8:2",
                                        "training.learning_rate=[0.1 V^2, 0.2 V^2],[0.3 V^2, 0.3 V^2]"], zipped: false)
        #expect(plan.axes[0].values == ["16", "32", "64", "128"])
        #expect(plan.axes[1].values == ["4", "6", "8"])
        #expect(plan.axes[2].values == ["[0.1 V^2, 0.2 V^2]", "[0.3 V^2, 0.3 V^2]"])
        #expect(plan.count == 24)
        // The last axis varies fastest.
        #expect(plan.values(at: 0) == ["16", "4", "[0.1 V^2, 0.2 V^2]"])
        #expect(plan.values(at: 1) == ["16", "4", "[0.3 V^2, 0.3 V^2]"])
        #expect(plan.values(at: 23) == ["128", "8", "[0.3 V^2, 0.3 V^2]"])
        // 7 = 1 x (3 x 2) + 0 x 2 + 1.
        #expect(plan.overrides(at: 7) == ["chip.tile.rows=32", "chip.tile.columns=32", "chip.adc.bits=4",
                                          "training.learning_rate=[0.3 V^2, 0.3 V^2]"])
    }

    @Test func zippedAxesGoSideBySide() throws {
        let plan = try SweepPlan(vary: ["chip.adc.bits=4,6,8", "chip.adc.per_tile=1,8,64"], zipped: true)
        #expect(plan.count == 3)
        #expect(plan.values(at: 2) == ["8", "64"])
        #expect(throws: ArchError.self) { try SweepPlan(vary: ["a.b=1,2", "c.d=1"], zipped: true) }
    }

    @Test func badAxesAreNamed() {
        func message(_ vary: [String]) -> String? {
            do { _ = try SweepPlan(vary: vary, zipped: false); return nil } catch let e as ArchError { return e.description } catch { return nil }
        }
        #expect(message([])?.contains("at least one --vary") == true)
        #expect(message(["chip.adc.bits"])?.contains("KEY=V1,V2") == true)
        #expect(message(["chip..bits=1"])?.contains("dotted key") == true)
        #expect(message(["a.b=8..4"])?.contains("A <= B") == true)
        #expect(message(["a.b=1..8:0"])?.contains("step") == true)
        #expect(message(["a.b=0..8*2"])?.contains("above 0") == true)
        #expect(message(["a.b=1,2", "a.b=3"])?.contains("varied twice") == true)
        #expect(message(["a.b=1..100000", "c.d=1..100"])?.contains("more than") == true)
    }
}
