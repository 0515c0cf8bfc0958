import Foundation
@testable import Physics

/// Robot files of the repository (tests do not depend on the working directory).
enum RobotFiles {
    static let directory: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Robots").path
    }()

    static func load(_ name: String) throws -> RobotDescription {
        try URDFLoader.load(path: directory + "/" + name + ".urdf")
    }

    /// A minimal valid quadrotor as an inline string; `replace` substitutes text for bad cases.
    static func quadrotor(mass: String = "0.027", inertia: String = #"ixx="1.4e-5" ixy="0" ixz="0" iyy="1.4e-5" iyz="0" izz="2.17e-5""#,
                          properties: String = #"arm="0.0397" kf="3.16e-10" km="7.94e-12" thrust2weight="2.25""#) -> String {
        var props = ""
        let pos = ["0.028 -0.028 0", "-0.028 -0.028 0", "-0.028 0.028 0", "0.028 0.028 0"]
        for i in 0..<4 {
            props += """
              <link name="prop\(i)_link"><inertial><origin xyz="\(pos[i])"/><mass value="0"/>
                <inertia ixx="0" ixy="0" ixz="0" iyy="0" iyz="0" izz="0"/></inertial></link>

            """
        }
        return """
        <?xml version="1.0"?>
        <robot name="tiny">
          <properties \(properties)/>
        \(props)  <link name="base_link">
            <inertial><mass value="\(mass)"/><inertia \(inertia)/></inertial>
            <collision><geometry><cylinder radius="0.06" length="0.025"/></geometry></collision>
          </link>
        </robot>
        """
    }
}
